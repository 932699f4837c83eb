package social.nova.streaming;

import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.ZAddParams;

/**
 * Who watches which stream, in Redis, so that every instance counts the same viewers and a
 * restarted instance loses none. Per stream a sorted set {@code nova:streaming:{<id>}:viewers}
 * holds one member per viewer scored with the time their presence expires (JoinStream: now plus
 * the presence ttl; an open WatchStream of a viewer renews it every watch interval), and
 * {@code nova:streaming:{<id>}:peak} the most viewers counted at once. A viewer counts while their
 * score is in the future; expired members are dropped whenever the set is written. Both keys share
 * a hash slot (the braces), so the join script is valid on a Redis cluster too.
 */
final class Viewers {
    private static final String PREFIX = "nova:streaming:{";
    /** Keys outlive their stream's last write by this much, so that abandoned keys go away. */
    private static final Duration RETENTION = Duration.ofDays(1);
    // KEYS: viewers, peak. ARGV: now (ms), expires (ms), viewer, retention (ms). Returns {count, peak}.
    private static final String JOIN = """
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
            redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
            local count = redis.call('ZCARD', KEYS[1])
            local peak = tonumber(redis.call('GET', KEYS[2]) or '0')
            if count > peak then
              peak = count
            end
            redis.call('SET', KEYS[2], peak, 'PX', ARGV[4])
            redis.call('PEXPIRE', KEYS[1], ARGV[4])
            return {count, peak}
            """;

    private final RedisClient redis;
    private final Duration ttl;
    private final Clock clock;

    /** Viewers counted now and the peak, after a join. */
    record Count(long viewers, long peak) {}

    Viewers(RedisClient redis, Duration ttl, Clock clock) {
        this.redis = redis;
        this.ttl = ttl;
        this.clock = clock;
    }

    Duration ttl() {
        return ttl;
    }

    /** Counts {@code viewer} until {@code expiresAtMillis} (joining twice counts once). */
    Count join(UUID stream, UUID viewer, long expiresAtMillis) {
        Object result = redis.eval(
                JOIN,
                List.of(viewersKey(stream), peakKey(stream)),
                List.of(
                        Long.toString(clock.millis()),
                        Long.toString(expiresAtMillis),
                        viewer.toString(),
                        Long.toString(RETENTION.toMillis())));
        List<?> counts = (List<?>) result;
        return new Count((Long) counts.get(0), (Long) counts.get(1));
    }

    void leave(UUID stream, UUID viewer) {
        redis.zrem(viewersKey(stream), viewer.toString());
    }

    /** Viewers counted now and the peak so far (0 and 0 for a stream nobody joined). */
    Count count(UUID stream) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<Long> viewers = pipeline.zcount(viewersKey(stream), "(" + clock.millis(), "+inf");
            Response<String> peak = pipeline.get(peakKey(stream));
            pipeline.sync();
            return new Count(viewers.get(), peak.get() == null ? 0 : Long.parseLong(peak.get()));
        }
    }

    /**
     * One round trip for the open WatchStream calls of an instance: renews the presence of the
     * {@code watching} viewers who are counted now (an expired or never-joined viewer is not
     * counted again by watching) and returns the count of every stream in {@code streams}.
     */
    Map<UUID, Long> renewAndCount(Collection<UUID> streams, Map<UUID, Set<UUID>> watching) {
        long now = clock.millis();
        double expires = now + ttl.toMillis();
        Map<UUID, Response<Long>> counts = new HashMap<>();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            for (UUID stream : streams) {
                String key = viewersKey(stream);
                Collection<UUID> viewers = watching.getOrDefault(stream, Set.of());
                if (!viewers.isEmpty()) {
                    // Expired members go first, so that XX renews only viewers still counted.
                    pipeline.zremrangeByScore(key, "-inf", Long.toString(now));
                    Map<String, Double> renewed = new HashMap<>();
                    viewers.forEach(viewer -> renewed.put(viewer.toString(), expires));
                    pipeline.zadd(key, renewed, ZAddParams.zAddParams().xx().gt());
                }
                counts.put(stream, pipeline.zcount(key, "(" + now, "+inf"));
            }
            pipeline.sync();
        }
        Map<UUID, Long> result = new HashMap<>();
        counts.forEach((stream, count) -> result.put(stream, count.get()));
        return result;
    }

    /** The most viewers counted at once so far (0 for a stream nobody joined). */
    long peak(UUID stream) {
        String peak = redis.get(peakKey(stream));
        return peak == null ? 0 : Long.parseLong(peak);
    }

    /** An ended stream counts no viewers any more. */
    void clear(UUID stream) {
        redis.del(viewersKey(stream), peakKey(stream));
    }

    private static String viewersKey(UUID stream) {
        return PREFIX + stream + "}:viewers";
    }

    private static String peakKey(UUID stream) {
        return PREFIX + stream + "}:peak";
    }
}
