package social.nova.rpc;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

class CircuitBreakerTest {
    private EchoServer server;
    private NovaClients clients;
    private ManagedChannel channel;

    @BeforeEach
    void start() {
        server = EchoServer.start("a");
        clients = TestClients.create(
                TestClients.directoryOf(server),
                new SimpleMeterRegistry(),
                "clients.echo-service.circuit-breaker.minimum-number-of-calls",
                "4",
                "clients.echo-service.circuit-breaker.sliding-window-size",
                "4",
                "clients.echo-service.circuit-breaker.failure-rate-threshold",
                "50",
                "clients.echo-service.circuit-breaker.wait-duration-in-open-state",
                "PT0.3S",
                "clients.echo-service.circuit-breaker.permitted-calls-in-half-open-state",
                "1",
                "clients.echo-service.retry.max-attempts",
                "1");
        channel = clients.channel(TARGET);
    }

    @AfterEach
    void stop() throws InterruptedException {
        clients.close();
        server.close();
    }

    @Test
    void opensAfterFailuresThenFailsFastWithoutReachingTheServer() {
        server.behave(request -> {
            throw (request.equals("internal") ? Status.INTERNAL : Status.UNAVAILABLE).asRuntimeException();
        });
        for (String request : new String[] {"unavailable", "internal", "unavailable", "internal"}) {
            try {
                call(channel, CREATE, request);
            } catch (io.grpc.StatusRuntimeException expected) {
                // counted by the breaker
            }
        }
        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        assertThat(server.hits).hasValue(4);

        var rejected = failure(channel, GET, Status.Code.UNAVAILABLE);

        assertThat(rejected.getStatus().getDescription())
                .isEqualTo("circuit breaker for echo-service is OPEN; failing fast");
        assertThat(server.hits).as("no call reached the server").hasValue(4);
    }

    @Test
    void halfOpensAfterTheWaitAndASuccessClosesIt() {
        server.behave(request -> {
            throw Status.UNAVAILABLE.asRuntimeException();
        });
        for (int i = 0; i < 4; i++) {
            failure(channel, CREATE, Status.Code.UNAVAILABLE);
        }
        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.OPEN);
        server.behave(request -> "healthy again");

        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> call(channel, CREATE, "x").equals("healthy again"));

        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(call(channel, CREATE, "y")).isEqualTo("healthy again");
    }

    @Test
    void callerMistakesNeverOpenIt() {
        server.behave(request -> {
            throw (request.startsWith("bad") ? Status.INVALID_ARGUMENT : Status.NOT_FOUND)
                    .withDescription("no such echo")
                    .asRuntimeException();
        });
        for (int i = 0; i < 10; i++) {
            var failure = failure(channel, CREATE, Status.Code.NOT_FOUND);
            assertThat(failure.getStatus().getDescription()).isEqualTo("no such echo");
            try {
                call(channel, CREATE, "bad request");
            } catch (io.grpc.StatusRuntimeException e) {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            }
        }

        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(clients.circuitBreaker(TARGET).getMetrics().getNumberOfFailedCalls())
                .isZero();
        assertThat(server.hits).hasValue(20);
    }

    @Test
    void aNoisyCallersRateLimitAnswersNeverOpenItForEveryoneElse() {
        // One caller hammers the target and hears RESOURCE_EXHAUSTED (rate limited): that is about
        // the caller, so the next caller of the same client must still reach the target.
        server.behave(request -> {
            if (!request.equals("another caller")) {
                throw Status.RESOURCE_EXHAUSTED
                        .withDescription("rate limit exceeded, retry after 30 s")
                        .asRuntimeException();
            }
            return "ok";
        });
        for (int i = 0; i < 20; i++) {
            failure(channel, CREATE, Status.Code.RESOURCE_EXHAUSTED);
        }

        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.CLOSED);
        assertThat(clients.circuitBreaker(TARGET).getMetrics().getNumberOfFailedCalls())
                .isZero();
        assertThat(call(channel, CREATE, "another caller")).isEqualTo("ok");
    }
}
