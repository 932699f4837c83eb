package social.nova.messaging;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.SslOptions;
import social.nova.redis.RedisSettings;
import social.nova.redis.ThrottledLogger;

/**
 * The live events between instances: Redis pub/sub on one channel. Each instance publishes an
 * event after the transaction that caused it commits, and hears every event on a dedicated
 * subscription, which {@link LiveStreams} routes to its local streams. Pub/sub keeps nothing for an
 * instance that is not listening, so whenever the subscription breaks, this instance's streams end
 * (UNAVAILABLE) and no stream opens until it is subscribed again; PostgreSQL, not Redis, is where a
 * resuming client finds what it missed.
 *
 * <p>A subscription reads with no timeout (it may rightly hear nothing for hours), so a connection
 * that dies without a reset (a network partition, a frozen Redis) would look like silence. A
 * watchdog therefore pings the subscription every {@code pingInterval}; after three intervals
 * without a pong the subscription's connection is closed and a new one is made.
 *
 * <p>Each subscription has a connection of its own, outside the service's pool: a connection in
 * subscribed mode must never be lent to other commands (in a test where Redis froze and dropped
 * connections, a pooled one that went back to the pool with a reply pending broke the outbox
 * relay's next command), and closing its own socket is the one sure way to stop a read that
 * waits forever.
 */
final class LiveFeed implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LiveFeed.class.getName());
    private static final int MISSED_PONGS = 3;

    private final RedisClient redis;
    private final HostAndPort address;
    private final JedisClientConfig subscriberConfig;
    private final String channel;
    private final Duration resubscribeDelay;
    private final Duration pingInterval;
    private final LiveStreams streams;
    private final ThrottledLogger publishFailures = new ThrottledLogger(LOG, Duration.ofSeconds(10));
    private final ThrottledLogger connectFailures = new ThrottledLogger(LOG, Duration.ofSeconds(10));
    /** The subscription in use; null while there is none. Callbacks of any other are ignored. */
    private final AtomicReference<Subscription> current = new AtomicReference<>();

    private final Thread watchdog;
    private volatile boolean closed;

    private LiveFeed(
            RedisClient redis,
            RedisSettings settings,
            String channel,
            Duration resubscribeDelay,
            Duration pingInterval,
            LiveStreams streams) {
        this.redis = redis;
        this.address = new HostAndPort(settings.host(), settings.port());
        this.subscriberConfig = subscriberConfig(settings);
        this.channel = channel;
        this.resubscribeDelay = resubscribeDelay;
        this.pingInterval = pingInterval;
        this.streams = streams;
        this.watchdog = Thread.ofVirtual().name("messaging-live-watchdog").unstarted(this::watch);
    }

    /**
     * Subscribes (and keeps subscribing) to {@code channel} on the Redis of {@code settings},
     * routing what it hears to {@code streams}; publishes through {@code redis}, the service's client.
     */
    static LiveFeed start(
            RedisClient redis,
            RedisSettings settings,
            String channel,
            Duration resubscribeDelay,
            Duration pingInterval,
            LiveStreams streams) {
        LiveFeed feed = new LiveFeed(redis, settings, channel, resubscribeDelay, pingInterval, streams);
        feed.startSubscriber();
        feed.watchdog.start();
        return feed;
    }

    /**
     * Publishes an event of a committed change. A failure is logged, not thrown: the change is
     * stored and the caller's call succeeded; streams that miss the event find the message when the
     * conversation's next one arrives (its predecessor id shows the gap) or when they resume.
     */
    void publish(LiveEvent event) {
        try {
            redis.publish(channel, LiveEvent.encode(event));
        } catch (RuntimeException e) {
            publishFailures.log(System.Logger.Level.WARNING, "cannot publish a live event to " + channel, e);
        }
    }

    private void startSubscriber() {
        Thread.ofVirtual().name("messaging-live-feed").start(this::listen);
    }

    /** Subscribes until closed or abandoned by the watchdog (then a new subscriber runs). */
    private void listen() {
        while (!closed) {
            Jedis connection;
            try {
                connection = new Jedis(address, subscriberConfig); // connects: Redis may be down or frozen
            } catch (RuntimeException e) {
                connectFailures.log(System.Logger.Level.WARNING, "cannot connect the live feed to Redis; retrying", e);
                if (closed || !pause(resubscribeDelay)) {
                    return;
                }
                continue;
            }
            Subscription subscription = new Subscription(connection);
            current.set(subscription);
            try {
                // Returns when unsubscribed, throws when the connection breaks or is closed.
                subscription.connection.subscribe(subscription, channel);
            } catch (RuntimeException e) {
                if (!closed && current.get() == subscription) {
                    LOG.log(System.Logger.Level.WARNING, "lost the live feed on " + channel + "; subscribing again", e);
                }
            } finally {
                subscription.connection.close();
            }
            if (!current.compareAndSet(subscription, null)) {
                return; // abandoned: the watchdog already ended the streams and started another subscriber
            }
            streams.feedLost();
            if (closed || !pause(resubscribeDelay)) {
                return;
            }
        }
    }

    private void watch() {
        while (!closed && pause(pingInterval)) {
            Subscription subscription = current.get();
            if (subscription == null) {
                continue;
            }
            // Counted from the subscription's start too: a SUBSCRIBE that is never answered is lost as well.
            long silentNanos = System.nanoTime() - subscription.lastPong;
            if (silentNanos > pingInterval.toNanos() * MISSED_PONGS) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "the live feed on " + channel + " answered no ping for " + Duration.ofNanos(silentNanos)
                                + "; subscribing again");
                abandon(subscription);
                continue;
            }
            if (!subscription.isSubscribed()) {
                continue;
            }
            try {
                subscription.ping();
            } catch (RuntimeException e) {
                abandon(subscription);
            }
        }
    }

    /** Gives up a subscription that stopped answering: streams end, and a new subscriber starts. */
    private void abandon(Subscription subscription) {
        if (!current.compareAndSet(subscription, null)) {
            return;
        }
        streams.feedLost();
        // Closing the socket ends the read that waits on it; the old subscriber thread then exits.
        subscription.disconnect();
        if (!closed) {
            startSubscriber();
        }
    }

    private static JedisClientConfig subscriberConfig(RedisSettings settings) {
        DefaultJedisClientConfig.Builder config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(
                        Math.toIntExact(settings.connectTimeout().toMillis()))
                .socketTimeoutMillis(Math.toIntExact(settings.socketTimeout().toMillis()))
                .database(settings.database())
                // Stated rather than negotiated: the Jedis class speaks RESP2 only (and warns otherwise).
                .protocol(RedisProtocol.RESP2);
        if (settings.ssl()) {
            config.sslOptions(SslOptions.defaults());
        }
        settings.user().ifPresent(config::user);
        settings.password().ifPresent(config::password);
        settings.clientName().ifPresent(config::clientName);
        return config.build();
    }

    private static boolean pause(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        closed = true;
        watchdog.interrupt();
        Subscription subscription = current.get();
        if (subscription != null) {
            subscription.disconnect();
        }
        streams.feedLost();
    }

    /** One subscription on a connection of its own; only the current one's callbacks count. */
    private final class Subscription extends JedisPubSub {
        private final Jedis connection;
        private volatile long lastPong = System.nanoTime();

        Subscription(Jedis connection) {
            this.connection = connection;
        }

        /** Closes the socket, from any thread: the subscriber's read fails at once. */
        void disconnect() {
            try {
                connection.disconnect();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "closing the live feed's connection failed", e);
            }
        }

        @Override
        public void onSubscribe(String name, int subscribedChannels) {
            lastPong = System.nanoTime();
            if (current.get() == this) {
                streams.feedUp();
            }
        }

        @Override
        public void onPong(String pattern) {
            lastPong = System.nanoTime();
        }

        @Override
        public void onMessage(String name, String message) {
            if (current.get() != this) {
                return;
            }
            try {
                streams.route(LiveEvent.decode(message));
            } catch (IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "ignoring a malformed live event on " + name, e);
            }
        }
    }
}
