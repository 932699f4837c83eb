package social.nova.rpc;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * The most calls one client keeps in flight to one target (config block {@code bulkhead}); see
 * {@link BulkheadInterceptor}.
 *
 * @param maxConcurrentCalls calls in flight at once ({@code max-concurrent-calls}, 100)
 * @param maxWait            how long a call may wait for a free slot; the wait blocks the calling
 *                           thread, so keep it 0 for callers on event loops ({@code max-wait}, PT0S)
 */
public record BulkheadSettings(int maxConcurrentCalls, Duration maxWait) {

    public static final BulkheadSettings DEFAULTS = new BulkheadSettings(100, Duration.ZERO);

    public static BulkheadSettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /** Reads the keys present under {@code node}; absent keys keep {@code fallback}'s values. */
    public static BulkheadSettings create(Config node, BulkheadSettings fallback) {
        return new BulkheadSettings(
                ConfigValues.positiveInt(node, "max-concurrent-calls", fallback.maxConcurrentCalls),
                ConfigValues.nonNegativeDuration(node, "max-wait", fallback.maxWait));
    }
}
