package social.nova.rpc;

import io.helidon.config.Config;

/**
 * Everything that shapes the client of one target service: read from {@code rpc.defaults}, then
 * overridden key by key from {@code rpc.clients.<service>}.
 *
 * @param deadlines      default deadlines per method ({@code deadlines})
 * @param circuitBreaker breaker thresholds ({@code circuit-breaker})
 * @param retry          retry policy for idempotent calls ({@code retry})
 * @param bulkhead       concurrency bound ({@code bulkhead})
 * @param channel        keepalive, idle and message size ({@code channel})
 */
public record ClientSettings(
        DeadlineSettings deadlines,
        CircuitBreakerSettings circuitBreaker,
        RetrySettings retry,
        BulkheadSettings bulkhead,
        ChannelSettings channel) {

    public static final ClientSettings DEFAULTS = new ClientSettings(
            DeadlineSettings.DEFAULTS,
            CircuitBreakerSettings.DEFAULTS,
            RetrySettings.DEFAULTS,
            BulkheadSettings.DEFAULTS,
            ChannelSettings.DEFAULTS);

    public static ClientSettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /** Reads the blocks present under {@code node}; whatever is absent keeps {@code fallback}'s. */
    public static ClientSettings create(Config node, ClientSettings fallback) {
        return new ClientSettings(
                DeadlineSettings.create(node.get("deadlines"), fallback.deadlines),
                CircuitBreakerSettings.create(node.get("circuit-breaker"), fallback.circuitBreaker),
                RetrySettings.create(node.get("retry"), fallback.retry),
                BulkheadSettings.create(node.get("bulkhead"), fallback.bulkhead),
                ChannelSettings.create(node.get("channel"), fallback.channel));
    }

    public ClientSettings withDeadlines(DeadlineSettings deadlines) {
        return new ClientSettings(deadlines, circuitBreaker, retry, bulkhead, channel);
    }

    public ClientSettings withCircuitBreaker(CircuitBreakerSettings circuitBreaker) {
        return new ClientSettings(deadlines, circuitBreaker, retry, bulkhead, channel);
    }

    public ClientSettings withRetry(RetrySettings retry) {
        return new ClientSettings(deadlines, circuitBreaker, retry, bulkhead, channel);
    }

    public ClientSettings withBulkhead(BulkheadSettings bulkhead) {
        return new ClientSettings(deadlines, circuitBreaker, retry, bulkhead, channel);
    }

    public ClientSettings withChannel(ChannelSettings channel) {
        return new ClientSettings(deadlines, circuitBreaker, retry, bulkhead, channel);
    }
}
