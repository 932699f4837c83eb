package social.nova.redis;

import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.helidon.config.Config;

/**
 * One consumer of a Redis stream within a consumer group.
 *
 * <p>Config keys (durations ISO-8601):
 * <pre>
 * stream:                (required)
 * group:                 (required)   usually the consuming service's name
 * consumer:              $HOSTNAME-&lt;pid&gt;-&lt;random&gt;   unique per running consumer
 * start-from:            beginning    where a newly created group starts: beginning (entries already
 *                                     in the stream are delivered) or latest (only new ones)
 * batch-size:            10           entries per XREADGROUP / per reclaim round
 * block-timeout:         PT2S         XREADGROUP BLOCK; keep it below the client's blocking-socket-timeout
 * claim-min-idle:        PT30S        a pending entry idle this long is reclaimed and retried
 * claim-interval:        PT5S         how often pending entries are checked
 * max-deliveries:        5            after this many failed deliveries an entry goes to the dead-letter stream
 * dead-letter-suffix:    .dlq         dead-letter stream = stream + suffix
 * backoff-initial:       PT0.1S       first pause after Redis fails, doubled per failure...
 * backoff-max:           PT5S         ...up to this
 * shutdown-timeout:      PT5S         close() waits this long for the loop; must exceed block-timeout
 * failure-log-interval:  PT30S        log repeated failures at most once per interval
 * </pre>
 */
public record StreamConsumerSettings(
        String stream,
        String group,
        String consumer,
        StartFrom startFrom,
        int batchSize,
        Duration blockTimeout,
        Duration claimMinIdle,
        Duration claimInterval,
        int maxDeliveries,
        String deadLetterSuffix,
        Duration backoffInitial,
        Duration backoffMax,
        Duration shutdownTimeout,
        Duration failureLogInterval) {

    public static final StartFrom DEFAULT_START_FROM = StartFrom.BEGINNING;
    public static final int DEFAULT_BATCH_SIZE = 10;
    public static final Duration DEFAULT_BLOCK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_CLAIM_MIN_IDLE = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CLAIM_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_MAX_DELIVERIES = 5;
    public static final String DEFAULT_DEAD_LETTER_SUFFIX = ".dlq";
    public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(100);
    public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(5);
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_FAILURE_LOG_INTERVAL = Duration.ofSeconds(30);

    /** Where a newly created consumer group starts reading. */
    public enum StartFrom {
        /** Every entry still in the stream. */
        BEGINNING,
        /** Only entries added after the group was created. */
        LATEST
    }

    public StreamConsumerSettings {
        Settings.requireText("stream", stream);
        Settings.requireText("consumer group", group);
        Settings.requireText("consumer name", consumer);
        Objects.requireNonNull(startFrom, "startFrom");
        Settings.requirePositive("stream batch-size", batchSize);
        Settings.requirePositive("stream block-timeout", blockTimeout);
        Settings.requirePositive("stream claim-min-idle", claimMinIdle);
        Settings.requirePositive("stream claim-interval", claimInterval);
        Settings.requirePositive("stream max-deliveries", maxDeliveries);
        Settings.requireText("stream dead-letter-suffix", deadLetterSuffix);
        new Backoff(backoffInitial, backoffMax);
        Settings.requirePositive("stream shutdown-timeout", shutdownTimeout);
        Settings.requireNotNegative("stream failure-log-interval", failureLogInterval);
        if (shutdownTimeout.compareTo(blockTimeout) <= 0) {
            throw new IllegalArgumentException("stream shutdown-timeout (" + shutdownTimeout
                    + ") must exceed block-timeout (" + blockTimeout + "), or close() cannot wait out a read");
        }
    }

    /** Defaults for everything but stream and group; a generated consumer name. */
    public static StreamConsumerSettings of(String stream, String group) {
        return new StreamConsumerSettings(
                stream,
                group,
                defaultConsumerName(),
                DEFAULT_START_FROM,
                DEFAULT_BATCH_SIZE,
                DEFAULT_BLOCK_TIMEOUT,
                DEFAULT_CLAIM_MIN_IDLE,
                DEFAULT_CLAIM_INTERVAL,
                DEFAULT_MAX_DELIVERIES,
                DEFAULT_DEAD_LETTER_SUFFIX,
                DEFAULT_BACKOFF_INITIAL,
                DEFAULT_BACKOFF_MAX,
                DEFAULT_SHUTDOWN_TIMEOUT,
                DEFAULT_FAILURE_LOG_INTERVAL);
    }

    /** Reads the keys listed in the class comment. */
    public static StreamConsumerSettings create(Config config) {
        return new StreamConsumerSettings(
                config.get("stream").asString().get(),
                config.get("group").asString().get(),
                config.get("consumer").asString().orElseGet(StreamConsumerSettings::defaultConsumerName),
                config.get("start-from")
                        .asString()
                        .map(StreamConsumerSettings::startFrom)
                        .orElse(DEFAULT_START_FROM),
                config.get("batch-size").asInt().orElse(DEFAULT_BATCH_SIZE),
                Settings.duration(config, "block-timeout", DEFAULT_BLOCK_TIMEOUT),
                Settings.duration(config, "claim-min-idle", DEFAULT_CLAIM_MIN_IDLE),
                Settings.duration(config, "claim-interval", DEFAULT_CLAIM_INTERVAL),
                config.get("max-deliveries").asInt().orElse(DEFAULT_MAX_DELIVERIES),
                config.get("dead-letter-suffix").asString().orElse(DEFAULT_DEAD_LETTER_SUFFIX),
                Settings.duration(config, "backoff-initial", DEFAULT_BACKOFF_INITIAL),
                Settings.duration(config, "backoff-max", DEFAULT_BACKOFF_MAX),
                Settings.duration(config, "shutdown-timeout", DEFAULT_SHUTDOWN_TIMEOUT),
                Settings.duration(config, "failure-log-interval", DEFAULT_FAILURE_LOG_INTERVAL));
    }

    /** The dead-letter stream's key. */
    public String deadLetterStream() {
        return stream + deadLetterSuffix;
    }

    /** The same settings under another consumer name. */
    public StreamConsumerSettings withConsumer(String name) {
        return new StreamConsumerSettings(
                stream,
                group,
                name,
                startFrom,
                batchSize,
                blockTimeout,
                claimMinIdle,
                claimInterval,
                maxDeliveries,
                deadLetterSuffix,
                backoffInitial,
                backoffMax,
                shutdownTimeout,
                failureLogInterval);
    }

    /** The same settings with other retry timing: reclaim after {@code minIdle}, checked every {@code interval}. */
    public StreamConsumerSettings withRetries(Duration minIdle, Duration interval, int deliveries) {
        return new StreamConsumerSettings(
                stream,
                group,
                consumer,
                startFrom,
                batchSize,
                blockTimeout,
                minIdle,
                interval,
                deliveries,
                deadLetterSuffix,
                backoffInitial,
                backoffMax,
                shutdownTimeout,
                failureLogInterval);
    }

    /** The same settings with another read block time (and a shutdown timeout above it). */
    public StreamConsumerSettings withBlockTimeout(Duration block, Duration shutdown) {
        return new StreamConsumerSettings(
                stream,
                group,
                consumer,
                startFrom,
                batchSize,
                block,
                claimMinIdle,
                claimInterval,
                maxDeliveries,
                deadLetterSuffix,
                backoffInitial,
                backoffMax,
                shutdown,
                failureLogInterval);
    }

    /** {@code host-pid-random}: stable enough to read in XINFO, unique per consumer instance. */
    static String defaultConsumerName() {
        // HOSTNAME is the container id in Docker and the pod name in Kubernetes; no DNS lookup.
        String host = Objects.requireNonNullElse(System.getenv("HOSTNAME"), "consumer");
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000));
    }

    private static StartFrom startFrom(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "beginning" -> StartFrom.BEGINNING;
            case "latest" -> StartFrom.LATEST;
            default ->
                throw new IllegalArgumentException("stream start-from must be beginning or latest, was '" + text + "'");
        };
    }
}
