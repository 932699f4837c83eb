package social.nova.redis;

import java.util.Map;
import java.util.Objects;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XAddParams;

/** Appends entries to Redis streams (XADD), optionally trimming them (MAXLEN ~). */
public final class StreamPublisher {
    private final UnifiedJedis redis;
    private final StreamPublisherSettings settings;
    private final MeterRegistry registry;

    /**
     * @param redis    the shared client (not closed by the publisher)
     * @param settings trimming
     * @param registry where {@code nova.redis.stream.published{stream}} goes
     */
    public StreamPublisher(UnifiedJedis redis, StreamPublisherSettings settings, MeterRegistry registry) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    /**
     * Appends one entry, creating the stream if needed.
     *
     * @param stream the stream key
     * @param fields the entry's fields; at least one
     * @return the entry id Redis assigned, e.g. {@code 1718000000000-0}
     * @throws IllegalArgumentException for a blank stream or no fields
     * @throws JedisException           when Redis cannot be reached or refuses the entry; nothing
     *                                  was appended then, or (after a timeout) it may have been:
     *                                  consumers must tolerate duplicates
     */
    public String publish(String stream, Map<String, String> fields) {
        Settings.requireText("stream", stream);
        Objects.requireNonNull(fields, "fields");
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("a stream entry needs at least one field");
        }
        XAddParams params = XAddParams.xAddParams();
        if (settings.maxLen() > 0) {
            params.maxLen(settings.maxLen()).approximateTrimming();
        }
        String id = redis.xadd(stream, params, fields).toString();
        Counter.builder("nova.redis.stream.published")
                .description("Entries appended to Redis streams")
                .tag("stream", stream)
                .register(registry)
                .increment();
        return id;
    }
}
