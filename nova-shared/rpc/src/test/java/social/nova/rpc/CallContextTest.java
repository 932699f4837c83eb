package social.nova.rpc;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The inbound side as Helidon's gRPC server needs it: it does not turn {@code grpc-timeout} into
 * a Context deadline, so {@link CallContext#serverInterceptor()} does. (On grpc-java's own server,
 * used elsewhere in these tests, the Context has the deadline already.) Deadlines are measured by
 * a {@link FakeTicker} that stands still, so the time left is exact, however busy the machine.
 */
class CallContextTest {
    private final FakeTicker ticker = new FakeTicker();
    private final ScheduledExecutorService deadlineTimer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        deadlineTimer.shutdownNow();
    }

    @Test
    void parsesGrpcTimeoutValues() {
        assertThat(CallContext.parseTimeoutNanos("250m")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(CallContext.parseTimeoutNanos("3S")).isEqualTo(TimeUnit.SECONDS.toNanos(3));
        assertThat(CallContext.parseTimeoutNanos("2M")).isEqualTo(TimeUnit.MINUTES.toNanos(2));
        assertThat(CallContext.parseTimeoutNanos("1H")).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(CallContext.parseTimeoutNanos("99999999u")).isEqualTo(TimeUnit.MICROSECONDS.toNanos(99999999));
        assertThat(CallContext.parseTimeoutNanos("7n")).isEqualTo(7);
        assertThat(CallContext.parseTimeoutNanos("123456789S"))
                .as("more than 8 digits")
                .isEqualTo(-1);
        assertThat(CallContext.parseTimeoutNanos("10x")).isEqualTo(-1);
        assertThat(CallContext.parseTimeoutNanos("m")).isEqualTo(-1);
        assertThat(CallContext.parseTimeoutNanos("-5S")).isEqualTo(-1);
        assertThat(CallContext.parseTimeoutNanos(null)).isEqualTo(-1);
    }

    @Test
    void turnsInboundHeadersIntoTheHandlersContext() {
        Metadata headers = new Metadata();
        headers.put(CallContext.REQUEST_ID_HEADER, "req-1");
        headers.put(CallContext.CALLER_HEADER, "user-1");
        headers.put(CallContext.AUTHORIZATION_HEADER, "Bearer t");
        headers.put(CallContext.TIMEOUT_HEADER, "300m");

        Context seen = startCall(CallContext.serverInterceptor(deadlineTimer, ticker), headers);

        assertThat(CallContext.REQUEST_ID.get(seen)).isEqualTo("req-1");
        assertThat(CallContext.CALLER_ID.get(seen)).isEqualTo("user-1");
        assertThat(CallContext.AUTHORIZATION.get(seen)).isEqualTo("Bearer t");
        assertThat(seen.getDeadline())
                .as("grpc-timeout 300m from now")
                .isEqualTo(Deadline.after(300, TimeUnit.MILLISECONDS, ticker));
    }

    @Test
    void generatesARequestIdAndSetsNoDeadlineWithoutHeaders() {
        Context seen = startCall(CallContext.serverInterceptor(), new Metadata());

        assertThat(CallContext.REQUEST_ID.get(seen)).isNotBlank();
        assertThat(CallContext.CALLER_ID.get(seen)).isNull();
        assertThat(seen.getDeadline()).isNull();
    }

    @Test
    void neverExtendsADeadlineTheServerAlreadySet() throws Exception {
        Metadata headers = new Metadata();
        headers.put(CallContext.TIMEOUT_HEADER, "10S");
        Deadline serverDeadline = Deadline.after(200, TimeUnit.MILLISECONDS, ticker);
        Context.CancellableContext serverContext = Context.current().withDeadline(serverDeadline, deadlineTimer);
        try {
            Context seen =
                    serverContext.call(() -> startCall(CallContext.serverInterceptor(deadlineTimer, ticker), headers));
            assertThat(seen.getDeadline())
                    .as("the server's 200 ms, not the header's 10 s")
                    .isEqualTo(serverDeadline);
        } finally {
            serverContext.cancel(null);
        }
    }

    /** Runs the interceptor on a call and returns the Context the handler started in. */
    private static Context startCall(ServerInterceptor interceptor, Metadata headers) {
        AtomicReference<Context> seen = new AtomicReference<>();
        ServerCallHandler<String, String> handler = (call, h) -> {
            seen.set(Context.current());
            return new ServerCall.Listener<>() {};
        };
        interceptor.interceptCall(new NoopServerCall(), headers, handler);
        return seen.get();
    }

    private static final class NoopServerCall extends ServerCall<String, String> {
        @Override
        public void request(int numMessages) {}

        @Override
        public void sendHeaders(Metadata headers) {}

        @Override
        public void sendMessage(String message) {}

        @Override
        public void close(Status status, Metadata trailers) {}

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public Attributes getAttributes() {
            return Attributes.EMPTY;
        }

        @Override
        public MethodDescriptor<String, String> getMethodDescriptor() {
            return EchoService.GET;
        }
    }
}
