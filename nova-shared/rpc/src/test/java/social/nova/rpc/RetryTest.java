package social.nova.rpc;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Deadline;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.errors.DependencyFailures;

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
    void stop() {
        if (clients != null) {
            clients.close();
        }
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
        ManagedChannel channel = channel(
                "defaults.retry.max-attempts", "3",
                "defaults.retry.initial-backoff", "PT0.01S");
        failFirst(2, Status.UNAVAILABLE);

        assertThat(call(channel, GET, "x")).isEqualTo("ok after 2");

        assertThat(server.hits).as("attempts the server saw").hasValue(3);
        assertThat(meters.get(ClientMetrics.RETRIES)
                        .tag("target", TARGET)
                        .tag("method", GET.getFullMethodName())
                        .counter()
                        .count())
                .isEqualTo(2.0);
    }

    @Test
    void neverRetriesAnAnswerMarkedAsTheTargetsDependencyFailure() {
        ManagedChannel channel = channel(
                "defaults.retry.max-attempts", "3",
                "defaults.retry.initial-backoff", "PT0.01S");
        server.behave(request -> {
            Metadata trailers = new Metadata();
            DependencyFailures.mark(trailers);
            throw Status.UNAVAILABLE.withDescription("its dependency is down").asRuntimeException(trailers);
        });

        failure(channel, GET, Status.Code.UNAVAILABLE);

        assertThat(server.hits).as("the target's own client already retried").hasValue(1);
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

    /**
     * In virtual time: the call's deadline runs on a {@link FakeTicker} that only the retry's own
     * waits move on ({@link VirtualWaits} runs a delayed attempt at once and advances the ticker by
     * the delay instead), so what is checked is the retry's decision, never how fast this machine
     * is. Below the retry each attempt goes to the real server without the virtual deadline
     * (netty would arm a real timer from it).
     */
    @Test
    void stopsWhenTheNextAttemptCouldNotStartBeforeTheDeadline() {
        FakeTicker ticker = new FakeTicker();
        Deadline deadline = Deadline.after(450, TimeUnit.MILLISECONDS, ticker);
        VirtualWaits waits = new VirtualWaits(ticker);
        RetryInterceptor retry = new RetryInterceptor(
                new RetrySettings(50, Duration.ofMillis(100), 1.0, 0.0, Duration.ofMillis(100)),
                waits,
                new ClientMetrics(TARGET, meters));
        List<Long> attemptsStartedAtMillis = new CopyOnWriteArrayList<>();
        ClientInterceptor attemptOnTheNetwork = new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                attemptsStartedAtMillis.add(ticker.elapsed(TimeUnit.MILLISECONDS));
                return next.newCall(method, options.withDeadline(null));
            }
        };
        server.behave(request -> {
            throw Status.UNAVAILABLE.withDescription("down").asRuntimeException();
        });
        ManagedChannel network = Grpc.newChannelBuilderForAddress(
                        "127.0.0.1", server.port(), InsecureChannelCredentials.create())
                .build();
        try {
            Channel channel = ClientInterceptors.interceptForward(network, retry, attemptOnTheNetwork);

            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(
                            channel, GET, CallOptions.DEFAULT.withDeadline(deadline), "x"))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                        assertThat(e.getStatus().getDescription())
                                .as("the last failure")
                                .isEqualTo("down");
                    });
        } finally {
            network.shutdownNow();
            waits.shutdownNow();
        }

        assertThat(attemptsStartedAtMillis)
                .as("attempts 100 ms apart, each started before the 450 ms deadline")
                .containsExactly(0L, 100L, 200L, 300L, 400L);
        assertThat(server.hits).as("attempts the server saw").hasValue(5);
        assertThat(waits.millis)
                .as("the waits the retry chose: none after the fifth attempt, which left " + "50 ms for a 100 ms wait")
                .containsExactly(100L, 100L, 100L, 100L);
        assertThat(deadline.isExpired())
                .as("gave up at 400 ms instead of waiting past the deadline")
                .isFalse();
        assertThat(meters.get(ClientMetrics.RETRIES)
                        .tag("target", TARGET)
                        .tag("method", GET.getFullMethodName())
                        .counter()
                        .count())
                .isEqualTo(4.0);
    }

    @Test
    void everyAttemptPassesTheCircuitBreakerAgain() {
        ManagedChannel channel = channel(
                "defaults.retry.max-attempts", "5",
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

    /**
     * Virtual waits for {@link RetryInterceptor}: a delayed attempt runs at once, after moving the
     * ticker on by its delay; every delay the retry chose is recorded.
     */
    private static final class VirtualWaits extends ScheduledThreadPoolExecutor {
        final List<Long> millis = new CopyOnWriteArrayList<>();
        private final FakeTicker ticker;

        VirtualWaits(FakeTicker ticker) {
            super(1);
            this.ticker = ticker;
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            millis.add(unit.toMillis(delay));
            return super.schedule(
                    () -> {
                        ticker.advance(delay, unit);
                        command.run();
                    },
                    0,
                    unit);
        }
    }
}
