package social.nova.kit;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a call closed before its handler starts is answered ({@link EarlyCloseInterceptor}). */
class EarlyCloseInterceptorTest {
    private static final Metadata.Key<String> REASON = Metadata.Key.of("reason", Metadata.ASCII_STRING_MARSHALLER);

    private final EarlyCloseInterceptor interceptor = new EarlyCloseInterceptor();

    @Test
    void unaryRefusalWaitsUntilTheRequestIsComplete() {
        RecordingCall call = new RecordingCall(MethodDescriptor.MethodType.UNARY);

        ServerCall.Listener<String> listener = interceptor.interceptCall(call, new Metadata(), refusing());
        listener.onReady();
        listener.onMessage("request");
        assertThat(call.closes).as("nothing before the request is half-closed").isEmpty();

        listener.onHalfClose();
        assertThat(call.closes).containsExactly("UNAUTHENTICATED: access token is invalid or expired (token)");
    }

    @Test
    void serverStreamingRefusalWaitsUntilTheRequestIsComplete() {
        RecordingCall call = new RecordingCall(MethodDescriptor.MethodType.SERVER_STREAMING);

        ServerCall.Listener<String> listener = interceptor.interceptCall(call, new Metadata(), refusing());
        listener.onReady();
        assertThat(call.closes).isEmpty();
        listener.onHalfClose();
        assertThat(call.closes).hasSize(1);
    }

    @Test
    void clientStreamingRefusalGoesOutOnceTheCallIsStarted() {
        RecordingCall call = new RecordingCall(MethodDescriptor.MethodType.CLIENT_STREAMING);

        ServerCall.Listener<String> listener = interceptor.interceptCall(call, new Metadata(), refusing());
        assertThat(call.closes).as("not while startCall runs").isEmpty();
        listener.onReady();
        assertThat(call.closes).containsExactly("UNAUTHENTICATED: access token is invalid or expired (token)");
        listener.onHalfClose();
        assertThat(call.closes).as("once").hasSize(1);
    }

    @Test
    void cancelledWhileHeldIsNeverClosed() {
        RecordingCall call = new RecordingCall(MethodDescriptor.MethodType.UNARY);

        ServerCall.Listener<String> listener = interceptor.interceptCall(call, new Metadata(), refusing());
        listener.onCancel();
        listener.onHalfClose();

        assertThat(call.closes).isEmpty();
    }

    @Test
    void callsThatStartAreNotTouched() {
        RecordingCall call = new RecordingCall(MethodDescriptor.MethodType.UNARY);
        List<String> events = new ArrayList<>();
        ServerCallHandler<String, String> handler = (started, headers) -> new ServerCall.Listener<>() {
            @Override
            public void onMessage(String message) {
                events.add("message " + message);
            }

            @Override
            public void onHalfClose() {
                events.add("half-close");
                started.close(Status.OK, new Metadata());
            }
        };

        ServerCall.Listener<String> listener = interceptor.interceptCall(call, new Metadata(), handler);
        listener.onMessage("hello");
        listener.onHalfClose();

        assertThat(events).containsExactly("message hello", "half-close");
        assertThat(call.closes).containsExactly("OK: null ()");
    }

    /** A handler refused by an interceptor: the call is closed inside startCall. */
    private static ServerCallHandler<String, String> refusing() {
        return (call, headers) -> {
            Metadata trailers = new Metadata();
            trailers.put(REASON, "token");
            call.close(Status.UNAUTHENTICATED.withDescription("access token is invalid or expired"), trailers);
            return new ServerCall.Listener<>() {};
        };
    }

    private static final class RecordingCall extends ServerCall<String, String> {
        final List<String> closes = new ArrayList<>();
        private final MethodDescriptor<String, String> method;

        RecordingCall(MethodDescriptor.MethodType type) {
            this.method = MethodDescriptor.<String, String>newBuilder()
                    .setType(type)
                    .setFullMethodName("nova.test.v1.Probe/Call")
                    .setRequestMarshaller(new Utf8())
                    .setResponseMarshaller(new Utf8())
                    .build();
        }

        @Override
        public void close(Status status, Metadata trailers) {
            String reason = trailers.get(REASON);
            closes.add(status.getCode() + ": " + status.getDescription() + " (" + (reason == null ? "" : reason) + ")");
        }

        @Override
        public void request(int numMessages) {}

        @Override
        public void sendHeaders(Metadata headers) {}

        @Override
        public void sendMessage(String message) {}

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
            return method;
        }
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
