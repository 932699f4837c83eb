package social.nova.rpc;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.TARGET;
import static social.nova.rpc.TestClients.call;
import static social.nova.rpc.TestClients.failure;

/**
 * Which deadline a call gets is checked on {@link DeadlineInterceptor} alone, with a
 * {@link FakeTicker}: exact values. Calls through {@link NovaClients} to a real server check only
 * what holds however long they take: the time left on a deadline only shrinks, so the server sees
 * <em>at most</em> the budget; and a deadline that must expire is short (or already spent) while
 * the handler never answers.
 */
class DeadlineTest {
    private static final DeadlineSettings SETTINGS =
            new DeadlineSettings(Duration.ofSeconds(3), Map.of(GET.getFullMethodName(), Duration.ofMillis(400)));
    /** Only for a broken deadline: the handler then answers, and the test fails instead of hanging. */
    private static final long HANG_GUARD_SECONDS = 30;

    private final FakeTicker ticker = new FakeTicker();
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
        clients = TestClients.create(TestClients.directoryOf(server), new SimpleMeterRegistry(), keyValues);
        return clients.channel(TARGET);
    }

    /** The deadline {@link DeadlineInterceptor} passes down for a call of {@code method} with {@code options}. */
    private Deadline passedDown(MethodDescriptor<String, String> method, CallOptions options) {
        AtomicReference<CallOptions> below = new AtomicReference<>();
        Channel recorder = new Channel() {
            @Override
            public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> m, CallOptions o) {
                below.set(o);
                return new NoopClientCall<>();
            }

            @Override
            public String authority() {
                return TARGET;
            }
        };
        new DeadlineInterceptor(SETTINGS, ticker).interceptCall(method, options, recorder);
        return below.get().getDeadline();
    }

    private long serverSawMillis() {
        Deadline deadline = server.lastDeadline.get();
        assertThat(deadline).as("the server saw a deadline").isNotNull();
        return deadline.timeRemaining(TimeUnit.MILLISECONDS);
    }

    @Test
    void appliesTheMethodsDefaultDeadlineWhenTheCallHasNone() {
        assertThat(passedDown(GET, CallOptions.DEFAULT))
                .as("the method's own entry")
                .isEqualTo(Deadline.after(400, TimeUnit.MILLISECONDS, ticker));
        assertThat(passedDown(CREATE, CallOptions.DEFAULT))
                .as("the default for unlisted methods")
                .isEqualTo(Deadline.after(3, TimeUnit.SECONDS, ticker));
    }

    @Test
    void keepsTheCallersOwnDeadlineEvenWhenLonger() {
        Deadline callers = Deadline.after(10, TimeUnit.SECONDS, ticker);

        assertThat(passedDown(GET, CallOptions.DEFAULT.withDeadline(callers))).isSameAs(callers);
    }

    @Test
    void callsThroughNovaClientsReachTheServerWithTheirMethodsDeadline() {
        ManagedChannel channel = channel(
                "defaults.deadlines.default", "PT60S", "defaults.deadlines." + GET.getFullMethodName(), "PT20S");

        call(channel, GET, "x");
        assertThat(serverSawMillis())
                .as("the method's 20 s, not the 60 s default")
                .isLessThanOrEqualTo(20_000L);

        call(channel, CREATE, "x");
        assertThat(serverSawMillis()).as("the default for unlisted methods").isLessThanOrEqualTo(60_000L);
    }

    @Test
    void aCallExceedingItsDefaultDeadlineFails() {
        ManagedChannel channel = channel("defaults.deadlines." + GET.getFullMethodName(), "PT0.05S");
        server.behave(request -> answerOnlyOnceCancelled());

        failure(channel, GET, Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void keepsAnInheritedContextDeadline() throws Exception {
        ManagedChannel channel = channel("defaults.deadlines.default", "PT60S");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Context.CancellableContext inbound = Context.current().withDeadlineAfter(10, TimeUnit.SECONDS, timer);
        try {
            inbound.call(() -> call(channel, CREATE, "x"));
        } finally {
            inbound.cancel(null);
            timer.shutdownNow();
        }

        assertThat(serverSawMillis())
                .as("the inbound call's 10 s budget, not the 60 s default")
                .isLessThanOrEqualTo(10_000L);
    }

    @Test
    void anInheritedBudgetAlreadySpentIsNotExtendedByTheDefault() throws Exception {
        ManagedChannel channel = channel("defaults.deadlines.default", "PT60S");
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        Context.CancellableContext spent = Context.current().withDeadlineAfter(0, TimeUnit.SECONDS, timer);
        try {
            spent.run(() -> failure(channel, CREATE, Status.Code.DEADLINE_EXCEEDED));
        } finally {
            spent.cancel(null);
            timer.shutdownNow();
        }

        assertThat(server.hits).as("the call never left").hasValue(0);
    }

    /**
     * A handler that never answers: it returns only once its call is cancelled (by the deadline),
     * or, should the deadline never come, after {@link #HANG_GUARD_SECONDS}.
     */
    private static String answerOnlyOnceCancelled() {
        CountDownLatch cancelled = new CountDownLatch(1);
        Context.current().addListener(context -> cancelled.countDown(), Runnable::run);
        try {
            cancelled.await(HANG_GUARD_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return "answered although the deadline should have cancelled the call";
    }

    private static final class NoopClientCall<Q, R> extends ClientCall<Q, R> {
        @Override
        public void start(Listener<R> responseListener, Metadata headers) {}

        @Override
        public void request(int numMessages) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
    }
}
