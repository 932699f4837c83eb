package social.nova.rpc;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Context;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * Copies the request id, caller id and authorization of {@link Context#current()} (see
 * {@link CallContext}) into the headers of an outbound call. Headers the caller set explicitly win.
 */
public final class PropagationInterceptor implements ClientInterceptor {

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            public void start(Listener<R> responseListener, Metadata headers) {
                copy(CallContext.REQUEST_ID, CallContext.REQUEST_ID_HEADER, headers);
                copy(CallContext.CALLER_ID, CallContext.CALLER_HEADER, headers);
                copy(CallContext.AUTHORIZATION, CallContext.AUTHORIZATION_HEADER, headers);
                super.start(responseListener, headers);
            }
        };
    }

    private static void copy(Context.Key<String> from, Metadata.Key<String> to, Metadata headers) {
        String value = from.get();
        if (value != null && !headers.containsKey(to)) {
            headers.put(to, value);
        }
    }
}
