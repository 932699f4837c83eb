package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

/**
 * Who has a StreamMessages call open on any instance, so that pushes go only to users who are not
 * connected. Per user a Redis sorted set {@code nova:messaging:presence:<user>} holds one member
 * per instance that has a stream of the user's open, scored with the time that entry expires.
 * Each instance writes its users again every {@code ttl / 3} (one pipeline for all of them) and
 * removes a user when the last stream closes; a crashed instance's entries simply expire, so a
 * user never stays "connected" for longer than the ttl after their last stream went away.
 *
 * <p>A user counts as connected while one entry is unexpired. Pushes are best effort around that
 * edge: a message sent in the instant a client disconnects may be neither streamed nor pushed,
 * which the client's resume (after_message_id) covers when it comes back.
 */
final class Presence implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Presence.class.getName());
    private static final String PREFIX = "nova:messaging:presence:";

    private final RedisClient redis;
    private final String instance;
    private final Duration ttl;
    private final Clock clock;
    private final Thread refresher;
    private volatile Supplier<Set<UUID>> connected = Set::of;

    Presence(RedisClient redis, Duration ttl, Clock clock) {
        this.redis = redis;
        this.instance = UUID.randomUUID().toString();
        this.ttl = ttl;
        this.clock = clock;
        this.refresher = Thread.ofVirtual().name("messaging-presence").unstarted(this::refreshLoop);
    }

    /** Starts refreshing the users {@code connected} names (this instance's users with a stream). */
    Presence start(Supplier<Set<UUID>> connectedUsers) {
        this.connected = connectedUsers;
        refresher.start();
        return this;
    }

    /** {@code user} has a stream open on this instance (from now until {@link #left} or the ttl). */
    void joined(UUID user) {
        try {
            long expires = clock.millis() + ttl.toMillis();
            try (AbstractPipeline pipeline = redis.pipelined()) {
                write(pipeline, user, expires);
            }
        } catch (RuntimeException e) {
            // Without Redis the streams end anyway (the live feed is lost); nothing to keep.
            LOG.log(System.Logger.Level.DEBUG, "presence not written", e);
        }
    }

    /** The last stream of {@code user} on this instance has ended. */
    void left(UUID user) {
        try {
            redis.zrem(PREFIX + user, instance);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "presence not removed; it expires", e);
        }
    }

    /** Whether {@code user} has a stream open on any instance. */
    boolean isConnected(UUID user) {
        return redis.zcount(PREFIX + user, "(" + clock.millis(), "+inf") > 0;
    }

    @Override
    public void close() {
        refresher.interrupt();
    }

    private void refreshLoop() {
        Duration every = ttl.dividedBy(3);
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(every);
                Set<UUID> users = connected.get();
                if (!users.isEmpty()) {
                    long expires = clock.millis() + ttl.toMillis();
                    try (AbstractPipeline pipeline = redis.pipelined()) {
                        users.forEach(user -> write(pipeline, user, expires));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "presence not refreshed; retrying", e);
            }
        }
    }

    private void write(AbstractPipeline pipeline, UUID user, long expires) {
        String key = PREFIX + user;
        pipeline.zadd(key, expires, instance);
        // Entries of instances that died stay in the set until here: drop the expired ones.
        pipeline.zremrangeByScore(key, "-inf", "(" + clock.millis());
        pipeline.pexpire(key, ttl.toMillis());
    }
}
