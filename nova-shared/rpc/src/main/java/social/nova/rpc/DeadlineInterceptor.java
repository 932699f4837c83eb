package social.nova.rpc;

import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;

/**
 * Gives a call without a deadline its method's default (see {@link DeadlineSettings}), so no call
 * waits forever. A deadline the caller set is left alone, and one inherited from the
 * {@link io.grpc.Context} still applies: grpc-java uses the earlier of the call's and the
 * Context's, so this can shorten a call's budget but never extend it.
 */
public final class DeadlineInterceptor implements ClientInterceptor {
    private final DeadlineSettings settings;
    private final Deadline.Ticker ticker;

    public DeadlineInterceptor(DeadlineSettings settings) {
        this(settings, Deadline.getSystemTicker());
    }

    /** With the deadlines it sets measured by {@code ticker} (tests: a fake one). */
    DeadlineInterceptor(DeadlineSettings settings, Deadline.Ticker ticker) {
        this.settings = settings;
        this.ticker = ticker;
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        CallOptions options = callOptions.getDeadline() != null
                ? callOptions
                : callOptions.withDeadline(
                        Deadline.after(settings.forMethod(method).toNanos(), TimeUnit.NANOSECONDS, ticker));
        return next.newCall(method, options);
    }
}
