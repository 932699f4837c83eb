package social.nova.rpc;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.errors.DependencyFailures;
import social.nova.errors.ErrorCode;
import social.nova.errors.ErrorMappingInterceptor;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

/**
 * A → B → C, where C is UNAVAILABLE: B, the caller closest to the failure, retries C per its
 * policy; B's answer carries the dependency marker, so A neither retries B nor counts it against
 * B's circuit breaker. B is served with the service kit's server interceptors.
 */
class DependencyFailureTest {
    private static final String[] RETRY_THREE_TIMES = {
        "defaults.retry.max-attempts", "3",
        "defaults.retry.initial-backoff", "PT0.001S",
        "defaults.retry.max-backoff", "PT0.002S"
    };

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EchoServer c = EchoServer.start("c");
    private final NovaClients bToC = TestClients.create(TestClients.directoryOf(c), meters, RETRY_THREE_TIMES);
    private final EchoServer b = EchoServer.start(
            "b", CallContext.serverInterceptor(), new ErrorMappingInterceptor(CallContext::currentRequestId));
    private final NovaClients aToB = TestClients.create(TestClients.directoryOf(b), meters, RETRY_THREE_TIMES);
    private final ManagedChannel a = aToB.channel(TARGET);

    @AfterEach
    void stop() {
        aToB.close();
        bToC.close();
        b.close();
        c.close();
    }

    @Test
    void onlyTheCallerClosestToTheFailureRetries() {
        c.behave(request -> {
            throw Status.UNAVAILABLE.withDescription("c is down").asRuntimeException();
        });
        b.behave(request -> call(bToC.channel(TARGET), GET, request)); // B passes C's failure on

        StatusRuntimeException atA = failure(a, GET, Status.Code.UNAVAILABLE);

        assertThat(c.hits).as("attempts B made at C (its policy: 3)").hasValue(3);
        assertThat(b.hits).as("attempts A made at B: B's answer is not retried").hasValue(1);
        assertThat(atA.getStatus().getDescription()).isEqualTo("c is down");
        assertThat(DependencyFailures.isMarked(atA.getTrailers())).isTrue();
    }

    @Test
    void aServiceThatWrapsItsDependencysFailureIsNotRetriedEither() {
        c.behave(request -> {
            throw Status.UNAVAILABLE.asRuntimeException();
        });
        b.behave(
                request -> { // as content-service's UserDirectory does
                    try {
                        return call(bToC.channel(TARGET), GET, request);
                    } catch (StatusRuntimeException e) {
                        throw NovaException.builder(ErrorCode.UNAVAILABLE, "cannot confirm the author right now")
                                .cause(e)
                                .build();
                    }
                });

        StatusRuntimeException atA = failure(a, GET, Status.Code.UNAVAILABLE);

        assertThat(c.hits).hasValue(3);
        assertThat(b.hits).hasValue(1);
        assertThat(atA.getStatus().getDescription()).isEqualTo("cannot confirm the author right now");
    }

    @Test
    void aServicesOwnUnavailableIsStillRetriedByItsCaller() {
        b.behave(request -> {
            throw NovaException.unavailable("overloaded").toStatusException();
        });

        failure(a, GET, Status.Code.UNAVAILABLE);

        assertThat(b.hits).as("B's own failure: A, its caller, retries").hasValue(3);
        assertThat(c.hits).hasValue(0);
    }

    @Test
    void markedAnswersDoNotOpenTheCallersBreakerOfTheServiceThatGaveThem() {
        c.behave(request -> {
            throw Status.INTERNAL.withDescription("c is broken").asRuntimeException();
        });
        b.behave(request -> call(bToC.channel(TARGET), CREATE, request));

        for (int i = 0; i < 30; i++) {
            // INTERNAL from C; once B's breaker for C opens, B's fast UNAVAILABLE: both marked.
            StatusRuntimeException atA = catchThrowableOfType(StatusRuntimeException.class, () -> call(a, CREATE, "x"));
            assertThat(atA.getStatus().getCode()).isIn(Status.Code.INTERNAL, Status.Code.UNAVAILABLE);
            assertThat(DependencyFailures.isMarked(atA.getTrailers())).isTrue();
        }
        assertThat(b.hits).as("every call reached B").hasValue(30);

        CircuitBreaker aForB = aToB.circuitBreaker(TARGET);
        assertThat(aForB.getState()).as("A's breaker for B").isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(aForB.getMetrics().getNumberOfFailedCalls()).isZero();
        assertThat(aForB.getMetrics().getNumberOfSuccessfulCalls())
                .as("nor are they B's successes")
                .isZero();
        assertThat(bToC.circuitBreaker(TARGET).getState())
                .as("B's breaker for C, which failed")
                .isEqualTo(CircuitBreaker.State.OPEN);
        // B still answers A at once what it can answer itself.
        b.behave(request -> "b:" + request);
        assertThat(call(a, GET, "ping")).isEqualTo("b:ping");
    }

    @Test
    void theFinalFailureOfAnOutboundCallIsMarkedForWhoeverPassesItOn() {
        c.behave(request -> {
            throw Status.NOT_FOUND.asRuntimeException(new Metadata());
        });

        StatusRuntimeException atB = failure(bToC.channel(TARGET), GET, Status.Code.NOT_FOUND);

        assertThat(DependencyFailures.isMarked(atB.getTrailers())).isTrue();
    }
}
