package social.nova.rpc;

import java.time.Duration;
import java.util.Locale;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.helidon.config.Config;

/**
 * When the breaker of one target service opens and how it recovers (config block
 * {@code circuit-breaker}). Only UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL and RESOURCE_EXHAUSTED
 * count as failures; see {@link CircuitBreakerInterceptor}.
 *
 * @param failureRateThreshold          percentage of failed calls that opens the breaker
 *                                      ({@code failure-rate-threshold}, 50)
 * @param slowCallRateThreshold         percentage of slow calls that opens it
 *                                      ({@code slow-call-rate-threshold}, 100)
 * @param slowCallDurationThreshold     a call slower than this is slow
 *                                      ({@code slow-call-duration-threshold}, PT2S)
 * @param minimumNumberOfCalls          calls recorded before any rate is judged
 *                                      ({@code minimum-number-of-calls}, 20)
 * @param slidingWindowType             {@code count-based} (last N calls) or {@code time-based}
 *                                      (last N seconds) ({@code sliding-window-type}, count-based)
 * @param slidingWindowSize             N of the sliding window ({@code sliding-window-size}, 50)
 * @param waitDurationInOpenState       how long it stays open before letting trial calls through
 *                                      ({@code wait-duration-in-open-state}, PT5S)
 * @param permittedCallsInHalfOpenState trial calls that decide between closing and reopening
 *                                      ({@code permitted-calls-in-half-open-state}, 3)
 */
public record CircuitBreakerSettings(
        float failureRateThreshold,
        float slowCallRateThreshold,
        Duration slowCallDurationThreshold,
        int minimumNumberOfCalls,
        SlidingWindowType slidingWindowType,
        int slidingWindowSize,
        Duration waitDurationInOpenState,
        int permittedCallsInHalfOpenState) {

    public static final CircuitBreakerSettings DEFAULTS = new CircuitBreakerSettings(
            50, 100, Duration.ofSeconds(2), 20, SlidingWindowType.COUNT_BASED, 50, Duration.ofSeconds(5), 3);

    public static CircuitBreakerSettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /** Reads the keys present under {@code node}; absent keys keep {@code fallback}'s values. */
    public static CircuitBreakerSettings create(Config node, CircuitBreakerSettings fallback) {
        return new CircuitBreakerSettings(
                ConfigValues.percentage(node, "failure-rate-threshold", fallback.failureRateThreshold),
                ConfigValues.percentage(node, "slow-call-rate-threshold", fallback.slowCallRateThreshold),
                ConfigValues.positiveDuration(node, "slow-call-duration-threshold", fallback.slowCallDurationThreshold),
                ConfigValues.positiveInt(node, "minimum-number-of-calls", fallback.minimumNumberOfCalls),
                windowType(node, fallback.slidingWindowType),
                ConfigValues.positiveInt(node, "sliding-window-size", fallback.slidingWindowSize),
                ConfigValues.positiveDuration(node, "wait-duration-in-open-state", fallback.waitDurationInOpenState),
                ConfigValues.positiveInt(
                        node, "permitted-calls-in-half-open-state", fallback.permittedCallsInHalfOpenState));
    }

    private static SlidingWindowType windowType(Config node, SlidingWindowType fallback) {
        return node.get("sliding-window-type")
                .asString()
                .map(text -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "count-based" -> SlidingWindowType.COUNT_BASED;
                    case "time-based" -> SlidingWindowType.TIME_BASED;
                    default ->
                        throw ConfigValues.invalid(
                                node, "sliding-window-type", "must be count-based or time-based", text);
                })
                .orElse(fallback);
    }
}
