package social.nova.db;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;
import social.nova.redis.Backoff;

/**
 * How {@link OutboxRelay} moves outbox rows to Redis streams.
 *
 * <p>Config keys (durations ISO-8601):
 * <pre>
 * stream-prefix:         nova.events.   stream = prefix + aggregate type, e.g. nova.events.user
 * poll-interval:         PT0.5S         pause between polls when the last one found less than a full batch
 * batch-size:            100            rows per poll (one transaction)
 * backoff-initial:       PT0.5S         pause after a failed poll (Redis or PostgreSQL down), doubled...
 * backoff-max:           PT30S          ...up to this
 * published-retention:   P7D            published rows are deleted after this
 * cleanup-interval:      PT1H           how often the deletion runs
 * shutdown-timeout:      PT10S          close() waits this long for the poll in progress
 * failure-log-interval:  PT30S          log repeated failures at most once per interval
 * </pre>
 */
public record OutboxRelaySettings(
        String streamPrefix,
        Duration pollInterval,
        int batchSize,
        Duration backoffInitial,
        Duration backoffMax,
        Duration publishedRetention,
        Duration cleanupInterval,
        Duration shutdownTimeout,
        Duration failureLogInterval) {

    public static final String DEFAULT_STREAM_PREFIX = "nova.events.";
    public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);
    public static final int DEFAULT_BATCH_SIZE = 100;
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(30);
    public static final Duration DEFAULT_PUBLISHED_RETENTION = Duration.ofDays(7);
    public static final Duration DEFAULT_CLEANUP_INTERVAL = Duration.ofHours(1);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

    public OutboxRelaySettings {
        Objects.requireNonNull(streamPrefix, "streamPrefix");
        positive("outbox poll-interval", pollInterval);
        if (batchSize < 1) {
            throw new IllegalArgumentException("outbox batch-size must be >= 1, was " + batchSize);
        }
        new Backoff(backoffInitial, backoffMax);
        positive("outbox published-retention", publishedRetention);
        positive("outbox cleanup-interval", cleanupInterval);
        positive("outbox shutdown-timeout", shutdownTimeout);
        Objects.requireNonNull(failureLogInterval, "failureLogInterval");
    }

    public static OutboxRelaySettings defaults() {
        return new OutboxRelaySettings(
                DEFAULT_STREAM_PREFIX,
                DEFAULT_POLL_INTERVAL,
                DEFAULT_BATCH_SIZE,
                DEFAULT_BACKOFF_INITIAL,
                DEFAULT_BACKOFF_MAX,
                DEFAULT_PUBLISHED_RETENTION,
                DEFAULT_CLEANUP_INTERVAL,
                DEFAULT_SHUTDOWN_TIMEOUT,
                DEFAULT_FAILURE_LOG_INTERVAL);
    }

    /** Reads the keys listed in the class comment. */
    public static OutboxRelaySettings create(Config config) {
        return new OutboxRelaySettings(
                config.get("stream-prefix").asString().orElse(DEFAULT_STREAM_PREFIX),
                duration(config, "poll-interval", DEFAULT_POLL_INTERVAL),
                config.get("batch-size").asInt().orElse(DEFAULT_BATCH_SIZE),
                duration(config, "backoff-initial", DEFAULT_BACKOFF_INITIAL),
                duration(config, "backoff-max", DEFAULT_BACKOFF_MAX),
                duration(config, "published-retention", DEFAULT_PUBLISHED_RETENTION),
                duration(config, "cleanup-interval", DEFAULT_CLEANUP_INTERVAL),
                duration(config, "shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT),
                duration(config, "failure-log-interval", DEFAULT_FAILURE_LOG_INTERVAL));
    }

    /** The same settings with another stream prefix (tests keep their streams apart). */
    public OutboxRelaySettings withStreamPrefix(String prefix) {
        return new OutboxRelaySettings(
                prefix,
                pollInterval,
                batchSize,
                backoffInitial,
                backoffMax,
                publishedRetention,
                cleanupInterval,
                shutdownTimeout,
                failureLogInterval);
    }

    /** The same settings with other polling and back-off timing. */
    public OutboxRelaySettings withTiming(Duration poll, int batch, Duration backoffStart, Duration backoffCeiling) {
        return new OutboxRelaySettings(
                streamPrefix,
                poll,
                batch,
                backoffStart,
                backoffCeiling,
                publishedRetention,
                cleanupInterval,
                shutdownTimeout,
                failureLogInterval);
    }

    /** The stream events of this aggregate type go to. */
    public String streamFor(String aggregateType) {
        return streamPrefix + aggregateType;
    }

    private static Duration duration(Config config, String key, Duration defaultValue) {
        return config.get(key).as(Duration.class).orElse(defaultValue);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
