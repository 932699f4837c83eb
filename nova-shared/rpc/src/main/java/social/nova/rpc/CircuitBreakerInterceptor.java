package social.nova.rpc;

import java.util.EnumSet;
import java.util.Set;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors.CheckedForwardingClientCall;
import io.grpc.ForwardingClientCallListener.SimpleForwardingClientCallListener;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import social.nova.errors.DependencyFailures;

/**
 * One Resilience4j circuit breaker per target service. Only statuses that say the target is in
 * trouble count as failures: UNAVAILABLE, DEADLINE_EXCEEDED and INTERNAL. An answer about the
 * caller proves the target healthy and counts as a success: its mistakes (INVALID_ARGUMENT,
 * NOT_FOUND, PERMISSION_DENIED...) and RESOURCE_EXHAUSTED, which in Nova is always about the caller
 * (a rate limit, reason RATE_LIMITED; a quota; a message too large). Counting it let one noisy
 * client's 429s open the breaker for every other client of the same caller. A target that is
 * itself overloaded answers UNAVAILABLE (the service kit's concurrency limit, a busy password
 * hasher), which does count. CANCELLED is the caller changing its mind and is not counted at all.
 * Neither is an answer marked as a failure of the target's own dependency
 * ({@link DependencyFailures}): the target is up and answered, so it is no failure of the target,
 * and had it counted, one broken service deep down would open the breakers of every service
 * above it, cutting callers off their methods that do not need it; nor is it a success, which
 * would credit the target with a call it spent waiting for its dependency (the slow-call rate).
 *
 * <p>While the breaker is open a call fails at once, without touching the network, with
 * UNAVAILABLE "circuit breaker for &lt;target&gt; is OPEN; failing fast" (its cause, a
 * {@link CallNotPermittedException}, tells {@link RetryInterceptor} not to retry it). After
 * {@code wait-duration-in-open-state} the next calls are let through as trials
 * ({@code HALF_OPEN}); their outcome closes or reopens it.
 */
public final class CircuitBreakerInterceptor implements ClientInterceptor {
    /** The statuses that count against the target. */
    public static final Set<Status.Code> FAILURES =
            EnumSet.of(Status.Code.UNAVAILABLE, Status.Code.DEADLINE_EXCEEDED, Status.Code.INTERNAL);

    private final String target;
    private final CircuitBreaker breaker;

    public CircuitBreakerInterceptor(String target, CircuitBreaker breaker) {
        this.target = target;
        this.breaker = breaker;
    }

    /** The Resilience4j configuration for the settings, with Nova's failure classification. */
    public static CircuitBreakerConfig config(CircuitBreakerSettings settings) {
        return CircuitBreakerConfig.custom()
                .failureRateThreshold(settings.failureRateThreshold())
                .slowCallRateThreshold(settings.slowCallRateThreshold())
                .slowCallDurationThreshold(settings.slowCallDurationThreshold())
                .slidingWindow(
                        settings.slidingWindowSize(), settings.minimumNumberOfCalls(), settings.slidingWindowType())
                .waitDurationInOpenState(settings.waitDurationInOpenState())
                .permittedNumberOfCallsInHalfOpenState(settings.permittedCallsInHalfOpenState())
                .recordException(error -> error instanceof CallFailed failed
                        && FAILURES.contains(failed.code)
                        && !failed.dependencyFailure)
                .ignoreException(error -> error instanceof CallFailed failed
                        && (failed.code == Status.Code.CANCELLED || failed.dependencyFailure))
                .writableStackTraceEnabled(false)
                .build();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions callOptions, Channel next) {
        return new CheckedForwardingClientCall<>(next.newCall(method, callOptions)) {
            @Override
            protected void checkedStart(Listener<R> responseListener, Metadata headers) {
                if (!breaker.tryAcquirePermission()) {
                    // CheckedForwardingClientCall closes the call with this status.
                    throw Status.UNAVAILABLE
                            .withDescription(
                                    "circuit breaker for " + target + " is " + breaker.getState() + "; failing fast")
                            .withCause(CallNotPermittedException.createCallNotPermittedException(breaker))
                            .asRuntimeException();
                }
                long started = breaker.getCurrentTimestamp();
                try {
                    delegate()
                            .start(
                                    new SimpleForwardingClientCallListener<>(responseListener) {
                                        @Override
                                        public void onClose(Status status, Metadata trailers) {
                                            record(status, trailers, breaker.getCurrentTimestamp() - started);
                                            super.onClose(status, trailers);
                                        }
                                    },
                                    headers);
                } catch (RuntimeException | Error e) {
                    breaker.releasePermission();
                    throw e;
                }
            }
        };
    }

    private void record(Status status, Metadata trailers, long duration) {
        if (status.isOk()) {
            breaker.onSuccess(duration, breaker.getTimestampUnit());
        } else {
            // The breaker's predicates classify the code (see config()).
            breaker.onError(
                    duration,
                    breaker.getTimestampUnit(),
                    new CallFailed(status.getCode(), DependencyFailures.isMarked(trailers)));
        }
    }

    /** A non-OK outcome as Resilience4j wants it: a Throwable, here without a stack trace. */
    static final class CallFailed extends RuntimeException {
        final Status.Code code;
        final boolean dependencyFailure;

        CallFailed(Status.Code code, boolean dependencyFailure) {
            super(code.name(), null, false, false);
            this.code = code;
            this.dependencyFailure = dependencyFailure;
        }
    }
}
