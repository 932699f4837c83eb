package social.nova.rpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

class RetryTest {
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final EchoServer server = EchoServer.start("a");
    private NovaClients clients;

    @AfterEach
    void stop() throws InterruptedException {
        clients.close();
        server.close();
    }

    private ManagedChannel channel(String... keyValues) {
        clients = TestClients.create(TestClients.directoryOf(server), meters, keyValues);
        return clients.channel(TARGET);
    }

    /** Fails the first {@code failures} calls with {@code status}, then answers. */
    private void failFirst(int failures, Status status) {
        AtomicInteger seen = new AtomicInteger();
        server.behave(request -> {
            if (seen.incrementAndGet() <= failures) {
                throw status.asRuntimeException();
            }
            return "ok after " + failures;
        });
    }

    @Test
    void retriesUnavailableForAnIdempotentMethodAndTheCallerSucceeds() {
        ManagedChannel channel = channel("defaults.retry.max-attempts", "3",
                                         "defaults.retry.initial-backoff", "PT0.01S");
        failFirst(2, Status.UNAVAILABLE);

        assertThat(call(channel, GET, "x")).isEqualTo("ok after 2");

        assertThat(server.hits).as("attempts the server saw").hasValue(3);
        assertThat(meters.get(ClientMetrics.RETRIES).tag("target", TARGET)
                           .tag("method", GET.getFullMethodName()).counter().count()).isEqualTo(2.0);
    }

    @Test
    void neverRetriesANonIdempotentMethod() {
        ManagedChannel channel = channel("defaults.retry.initial-backoff", "PT0.01S");
        failFirst(1, Status.UNAVAILABLE);

        failure(channel, CREATE, Status.Code.UNAVAILABLE);

        assertThat(server.hits).hasValue(1);
    }

    @Test
    void neverRetriesCallerMistakes() {
        ManagedChannel channel = channel("defaults.retry.initial-backoff", "PT0.01S");
        failFirst(1, Status.INVALID_ARGUMENT);

        failure(channel, GET, Status.Code.INVALID_ARGUMENT);

        assertThat(server.hits).hasValue(1);
    }

    @Test
    void stopsWhenTheNextAttemptCouldNotStartBeforeTheDeadline() {
        ManagedChannel channel = channel("defaults.retry.max-attempts", "50",
                                         "defaults.retry.initial-backoff", "PT0.1S",
                                         "defaults.retry.multiplier", "1",
                                         "defaults.retry.jitter", "0");
        server.behave(request -> {
            throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
        });
        long started = System.nanoTime();

        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                channel, GET, CallOptions.DEFAULT.withDeadlineAfter(450, TimeUnit.MILLISECONDS), "x"))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).isEqualTo("down");
                });

        long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(elapsedMillis).as("gave up before the deadline instead of waiting past it").isLessThan(450);
        assertThat(server.hits.get()).as("attempts 100 ms apart within 450 ms").isBetween(2, 5);
    }

    @Test
    void everyAttemptPassesTheCircuitBreakerAgain() {
        ManagedChannel channel = channel("defaults.retry.max-attempts", "5",
                                         "defaults.retry.initial-backoff", "PT0.01S",
                                         "defaults.circuit-breaker.minimum-number-of-calls", "2",
                                         "defaults.circuit-breaker.sliding-window-size", "2");
        server.behave(request -> {
            throw Status.UNAVAILABLE.asRuntimeException();
        });

        var failure = failure(channel, GET, Status.Code.UNAVAILABLE);

        assertThat(server.hits).as("the breaker opened after two attempts").hasValue(2);
        assertThat(failure.getStatus().getDescription()).contains("circuit breaker for echo-service is OPEN");
        assertThat(clients.circuitBreaker(TARGET).getState()).isEqualTo(CircuitBreaker.State.OPEN);
    }
}
