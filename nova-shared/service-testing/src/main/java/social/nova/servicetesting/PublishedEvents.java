package social.nova.servicetesting;

import java.time.Instant;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import social.nova.db.OutboxEvent;
import social.nova.db.OutboxRelaySettings;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * Events another service would publish, put on the shared Redis exactly as that service's outbox
 * relay writes them ({@link OutboxEvent#streamFields}, stream {@code nova.events.<aggregate type>}):
 * how a service's tests stand in for the producer of the events it consumes.
 */
public final class PublishedEvents {
    private PublishedEvents() {}

    /**
     * Publishes {@code event} as the service owning {@code sourceSchema} would, now.
     *
     * @return the stream entry id
     */
    public static String publish(OutboxEvent event, String sourceSchema) {
        StreamEntryID id = Redis.CLIENT.xadd(
                OutboxRelaySettings.DEFAULT_STREAM_PREFIX + event.aggregateType(),
                XAddParams.xAddParams(),
                event.streamFields(sourceSchema, Instant.now()));
        return id.toString();
    }

    /** One pooled client of the shared Redis for the whole test run, closed at exit. */
    private static final class Redis {
        static final RedisClient CLIENT = ShutdownHooks.closeAtExit(RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort()));
    }
}
