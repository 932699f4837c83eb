package social.nova.events;

import java.time.Duration;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.SetParams;

/** One key per handled event: {@code nova:events:handled:<group>:<event-id>}, expiring after the TTL. */
final class RedisHandledEvents implements HandledEvents {
    static final String KEY_PREFIX = "nova:events:handled:";

    private final UnifiedJedis redis;

    RedisHandledEvents(UnifiedJedis redis) {
        this.redis = redis;
    }

    static String key(String group, String eventId) {
        return KEY_PREFIX + group + ":" + eventId;
    }

    @Override
    public boolean isHandled(String group, String eventId) {
        return redis.exists(key(group, eventId));
    }

    @Override
    public void markHandled(String group, String eventId, Duration ttl) {
        // NX: the first mark's expiry stands; a concurrent second handling (two consumers racing
        // on a reclaimed entry) does not extend it.
        redis.set(key(group, eventId), "1", SetParams.setParams().nx().px(ttl.toMillis()));
    }
}
