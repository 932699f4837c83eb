package social.nova.kit;

import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;

/**
 * Keeps a call that is refused before its handler starts from taking the whole connection down.
 *
 * <p>The kit's interceptors refuse some calls as soon as their headers arrive: a missing or invalid
 * token (UNAUTHENTICATED), the port's concurrency limit (UNAVAILABLE). The answer can then reach
 * the client before the client has sent its request message. A gRPC client that gets the end of a
 * call while it is still sending cancels its side with RST_STREAM, and grpc-java sometimes still
 * sends the request's DATA frame after that RST_STREAM. Helidon 4.5.0 has forgotten the stream by
 * then (and in 4.5.0 also forgets it as soon as a call is closed while {@code startCall} runs), so
 * when a newer stream has started on the connection in between, which is ordinary for a client
 * that sends calls concurrently on one connection, it takes the DATA for a frame of a stream that
 * was never created and answers GOAWAY PROTOCOL_ERROR with last stream 0: every call in flight on
 * that connection fails with "Abrupt GOAWAY closed sent stream". One refused call could fail dozens
 * of good ones, most of all under load, when the limit refuses calls. (RFC 9113 section 5.1 makes
 * such a frame a stream error at most, never a connection error.)
 *
 * <p>This interceptor, the outermost of the kit's, holds such a close back until the client has
 * sent its whole request, for the methods whose client sends one message (unary and
 * server-streaming, all of Nova's but uploads): the refusal goes out when the request is half-closed,
 * so the client never has anything left to send, as for any call its handler answers. The caller
 * sees the same status, message and trailers; a unary request arrives in the same packet as its
 * headers, so nothing waits. A client-streaming call is refused at once (after Helidon has the
 * call's listener, so that its stream is half-closed rather than forgotten): holding an upload's
 * refusal until the upload ends would waste it. A call cancelled while held is dropped.
 * {@code EarlyCloseIT} reproduces the GOAWAY without this interceptor. Drop it when Helidon ignores
 * frames on streams it has closed (the upstream report is in the kit's README).
 */
final class EarlyCloseInterceptor implements ServerInterceptor {
    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        HeldClose<Q, R> holding = new HeldClose<>(call);
        ServerCall.Listener<Q> listener;
        try {
            listener = next.startCall(holding, headers);
        } catch (RuntimeException | Error e) {
            holding.passThrough();
            throw e;
        }
        if (!holding.isHeld()) {
            holding.passThrough();
            return listener;
        }
        boolean waitForRequest = call.getMethodDescriptor().getType().clientSendsOneMessage();
        // The call is over for the inner interceptors and the handler: no event goes on to them
        // but the end of the call.
        return new ServerCall.Listener<>() {
            @Override
            public void onReady() {
                if (!waitForRequest) {
                    holding.release();
                }
            }

            @Override
            public void onHalfClose() {
                holding.release();
            }

            @Override
            public void onCancel() {
                holding.passThrough();
                listener.onCancel();
            }

            @Override
            public void onComplete() {
                listener.onComplete();
            }
        };
    }

    /** The call as the inner interceptors and the handler see it, whose early close waits. */
    private static final class HeldClose<Q, R> extends SimpleForwardingServerCall<Q, R> {
        private boolean passThrough;
        private Status heldStatus;
        private Metadata heldTrailers;

        HeldClose(ServerCall<Q, R> call) {
            super(call);
        }

        @Override
        public void close(Status status, Metadata trailers) {
            synchronized (this) {
                if (!passThrough) {
                    if (heldStatus == null) {
                        heldStatus = status;
                        heldTrailers = trailers;
                    }
                    return;
                }
            }
            super.close(status, trailers);
        }

        synchronized boolean isHeld() {
            return heldStatus != null;
        }

        /** From now on a close goes straight through; a held one is dropped. */
        synchronized void passThrough() {
            passThrough = true;
        }

        /** Closes the call with what was held back, once. */
        void release() {
            Status status;
            Metadata trailers;
            synchronized (this) {
                if (passThrough) {
                    return;
                }
                passThrough = true;
                status = heldStatus;
                trailers = heldTrailers;
            }
            super.close(status, trailers);
        }
    }
}
