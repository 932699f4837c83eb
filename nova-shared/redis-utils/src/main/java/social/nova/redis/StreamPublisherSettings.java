package social.nova.redis;

import io.helidon.config.Config;

/**
 * How {@link StreamPublisher} appends entries.
 *
 * <p>Config keys:
 * <pre>
 * max-len:      0      trim each stream to about this many entries on every XADD (MAXLEN ~);
 *                      0 keeps everything. Entries trimmed before a lagging group read them are
 *                      lost to that group, so size it above the worst expected backlog.
 * </pre>
 */
public record StreamPublisherSettings(long maxLen) {
    public static final long DEFAULT_MAX_LEN = 0;

    public StreamPublisherSettings {
        if (maxLen < 0) {
            throw new IllegalArgumentException("stream max-len must be >= 0, was " + maxLen);
        }
    }

    /** No trimming. */
    public static StreamPublisherSettings defaults() {
        return new StreamPublisherSettings(DEFAULT_MAX_LEN);
    }

    /** Reads the keys listed in the class comment. */
    public static StreamPublisherSettings create(Config config) {
        return new StreamPublisherSettings(config.get("max-len").asLong().orElse(DEFAULT_MAX_LEN));
    }
}
