package social.nova.events;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;
import social.nova.redis.StreamConsumerSettings;

/**
 * One subscription: which stream, which consumer group, and the guarantees' settings.
 *
 * <p>Config keys (durations ISO-8601): those of nova-redis-utils' {@code StreamConsumerSettings}
 * ({@code stream} and {@code group} required; {@code start-from}, {@code batch-size},
 * {@code block-timeout}, {@code claim-min-idle}, {@code claim-interval}, {@code max-deliveries},
 * {@code dead-letter-suffix}, ... with its defaults), and:
 * <pre>
 * handled-ttl:   P7D   how long an event id handled by the group is remembered; a copy of the
 *                      event delivered within this time is dropped without calling the handler
 * </pre>
 *
 * @param transport  the stream consumer's settings (stream, group, retries, dead-letter stream)
 * @param handledTtl how long handled event ids are remembered
 */
public record EventSubscriptionSettings(StreamConsumerSettings transport, Duration handledTtl) {
    public static final Duration DEFAULT_HANDLED_TTL = Duration.ofDays(7);

    public EventSubscriptionSettings {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(handledTtl, "handledTtl");
        if (handledTtl.toMillis() < 1) {
            throw new IllegalArgumentException("events handled-ttl must be positive, was " + handledTtl);
        }
    }

    /** Defaults for everything but stream and group. */
    public static EventSubscriptionSettings of(String stream, String group) {
        return new EventSubscriptionSettings(StreamConsumerSettings.of(stream, group), DEFAULT_HANDLED_TTL);
    }

    /** Reads the keys listed in the class comment. */
    public static EventSubscriptionSettings create(Config config) {
        return new EventSubscriptionSettings(
                StreamConsumerSettings.create(config),
                config.get("handled-ttl").as(Duration.class).orElse(DEFAULT_HANDLED_TTL));
    }

    public String stream() {
        return transport.stream();
    }

    public String group() {
        return transport.group();
    }

    /** Failed deliveries after which an event goes to {@link #deadLetterStream()} ({@code max-deliveries}, 5). */
    public int maxDeliveries() {
        return transport.maxDeliveries();
    }

    /** Where events go after {@code max-deliveries} failures: {@code <stream>.dlq} by default. */
    public String deadLetterStream() {
        return transport.deadLetterStream();
    }

    /** The same settings with other retry timing and delivery limit (tests use short ones). */
    public EventSubscriptionSettings withRetries(Duration minIdle, Duration interval, int maxDeliveries) {
        return new EventSubscriptionSettings(transport.withRetries(minIdle, interval, maxDeliveries), handledTtl);
    }

    /** The same settings with another transport (e.g. a shorter block timeout in tests). */
    public EventSubscriptionSettings withTransport(StreamConsumerSettings other) {
        return new EventSubscriptionSettings(other, handledTtl);
    }
}
