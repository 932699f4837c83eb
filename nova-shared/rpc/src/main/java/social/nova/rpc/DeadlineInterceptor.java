package social.nova.rpc;

import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;

/**
 * Gives a call without a deadline its method's default (see {@link DeadlineSettings}), so no call
 * waits forever. A deadline the caller set is left alone, and one inherited from the
 * {@link io.grpc.Context} still applies: grpc-java uses the earlier of the call's and the
 * Context's, so this can shorten a call's budget but never extend it.
 */
public final class DeadlineInterceptor implements ClientInterceptor {
    private final DeadlineSettings settings;

    public DeadlineInterceptor(DeadlineSettings settings) {
        this.settings = settings;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions,
                                                  Channel next) {
        CallOptions options = callOptions.getDeadline() != null
                              ? callOptions
                              : callOptions.withDeadlineAfter(settings.forMethod(method).toNanos(),
                                                              TimeUnit.NANOSECONDS);
        return next.newCall(method, options);
    }
}
