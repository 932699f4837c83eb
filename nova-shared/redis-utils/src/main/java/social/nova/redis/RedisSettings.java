package social.nova.redis;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.helidon.config.Config;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Where a Redis server is and how the pooled client talks to it.
 *
 * <p>Config keys (under the node given to {@link #create(Config)}, usually {@code redis}); durations
 * are ISO-8601 ({@code PT2S}):
 * <pre>
 * uri:                      redis://[user:password@]host:port[/database]; rediss:// for TLS (optional)
 * host:                     localhost   (ignored when uri is set)
 * port:                     6379        (ignored when uri is set)
 * user:                     (none)      overrides the uri's
 * password:                 (none)      overrides the uri's
 * database:                 0           overrides the uri's
 * client-name:              (none)      shown by CLIENT LIST
 * connect-timeout:          PT2S
 * socket-timeout:           PT2S        what a caller waits at most for one command on a hung server,
 *                                       all included (pool wait, connecting, the reply)
 * blocking-socket-timeout:  PT10S       blocking commands (XREADGROUP BLOCK); must exceed their block time
 * pool.max-total:           16
 * pool.max-idle:            8
 * pool.min-idle:            0
 * pool.max-wait:            PT1S        wait for a free connection before failing (within socket-timeout)
 * </pre>
 */
public record RedisSettings(
        String host,
        int port,
        Optional<String> user,
        Optional<String> password,
        int database,
        boolean ssl,
        Optional<String> clientName,
        Duration connectTimeout,
        Duration socketTimeout,
        Duration blockingSocketTimeout,
        int poolMaxTotal,
        int poolMaxIdle,
        int poolMinIdle,
        Duration poolMaxWait) {

    public static final String DEFAULT_HOST = "localhost";
    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_BLOCKING_SOCKET_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_POOL_MAX_TOTAL = 16;
    public static final int DEFAULT_POOL_MAX_IDLE = 8;
    public static final int DEFAULT_POOL_MIN_IDLE = 0;
    public static final Duration DEFAULT_POOL_MAX_WAIT = Duration.ofSeconds(1);

    public RedisSettings {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(clientName, "clientName");
        if (host.isBlank()) {
            throw new IllegalArgumentException("redis host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("redis port must be 1..65535, was " + port);
        }
        if (database < 0) {
            throw new IllegalArgumentException("redis database must be >= 0, was " + database);
        }
        Settings.requirePositive("redis connect-timeout", connectTimeout);
        Settings.requirePositive("redis socket-timeout", socketTimeout);
        Settings.requirePositive("redis blocking-socket-timeout", blockingSocketTimeout);
        Settings.requireNotNegative("redis pool.max-wait", poolMaxWait);
        if (poolMaxTotal < 1 || poolMaxIdle < 0 || poolMinIdle < 0 || poolMinIdle > poolMaxIdle) {
            throw new IllegalArgumentException("redis pool sizes must satisfy max-total >= 1 and "
                    + "0 <= min-idle <= max-idle, were max-total=" + poolMaxTotal + ", max-idle="
                    + poolMaxIdle + ", min-idle=" + poolMinIdle);
        }
    }

    /** Defaults for everything but the address. */
    public static RedisSettings of(String host, int port) {
        return new RedisSettings(
                host,
                port,
                Optional.empty(),
                Optional.empty(),
                0,
                false,
                Optional.empty(),
                DEFAULT_CONNECT_TIMEOUT,
                DEFAULT_SOCKET_TIMEOUT,
                DEFAULT_BLOCKING_SOCKET_TIMEOUT,
                DEFAULT_POOL_MAX_TOTAL,
                DEFAULT_POOL_MAX_IDLE,
                DEFAULT_POOL_MIN_IDLE,
                DEFAULT_POOL_MAX_WAIT);
    }

    /** Reads the keys listed in the class comment. */
    public static RedisSettings create(Config config) {
        Optional<URI> uri = config.get("uri").asString().asOptional().map(RedisSettings::parseUri);
        String host = uri.map(u -> u.getHost())
                .orElseGet(() -> config.get("host").asString().orElse(DEFAULT_HOST));
        int port = uri.map(u -> JedisURIHelper.getHostAndPort(u).getPort())
                .orElseGet(() -> config.get("port").asInt().orElse(DEFAULT_PORT));
        Optional<String> user = config.get("user").asString().asOptional().or(() -> uri.map(JedisURIHelper::getUser));
        Optional<String> password =
                config.get("password").asString().asOptional().or(() -> uri.map(JedisURIHelper::getPassword));
        int database = config.get("database")
                .asInt()
                .asOptional()
                .orElseGet(() -> uri.filter(JedisURIHelper::hasDbIndex)
                        .map(JedisURIHelper::getDBIndex)
                        .orElse(0));
        boolean ssl = uri.map(JedisURIHelper::isRedisSSLScheme).orElse(false);
        Config pool = config.get("pool");
        return new RedisSettings(
                host,
                port,
                user,
                password,
                database,
                ssl,
                config.get("client-name").asString().asOptional(),
                Settings.duration(config, "connect-timeout", DEFAULT_CONNECT_TIMEOUT),
                Settings.duration(config, "socket-timeout", DEFAULT_SOCKET_TIMEOUT),
                Settings.duration(config, "blocking-socket-timeout", DEFAULT_BLOCKING_SOCKET_TIMEOUT),
                pool.get("max-total").asInt().orElse(DEFAULT_POOL_MAX_TOTAL),
                pool.get("max-idle").asInt().orElse(DEFAULT_POOL_MAX_IDLE),
                pool.get("min-idle").asInt().orElse(DEFAULT_POOL_MIN_IDLE),
                Settings.duration(pool, "max-wait", DEFAULT_POOL_MAX_WAIT));
    }

    /** The same settings with other command timeouts (tests of slow or dead servers use short ones). */
    public RedisSettings withTimeouts(Duration connect, Duration socket) {
        return new RedisSettings(
                host,
                port,
                user,
                password,
                database,
                ssl,
                clientName,
                connect,
                socket,
                blockingSocketTimeout,
                poolMaxTotal,
                poolMaxIdle,
                poolMinIdle,
                poolMaxWait);
    }

    /** The same settings with another pool size and wait for a free connection. */
    public RedisSettings withPool(int maxTotal, Duration maxWait) {
        return new RedisSettings(
                host,
                port,
                user,
                password,
                database,
                ssl,
                clientName,
                connectTimeout,
                socketTimeout,
                blockingSocketTimeout,
                maxTotal,
                Math.min(poolMaxIdle, maxTotal),
                Math.min(poolMinIdle, Math.min(poolMaxIdle, maxTotal)),
                maxWait);
    }

    /** The same settings with another password. */
    public RedisSettings withPassword(String newPassword) {
        return new RedisSettings(
                host,
                port,
                user,
                Optional.of(newPassword),
                database,
                ssl,
                clientName,
                connectTimeout,
                socketTimeout,
                blockingSocketTimeout,
                poolMaxTotal,
                poolMaxIdle,
                poolMinIdle,
                poolMaxWait);
    }

    /** Keeps secrets out of logs. */
    @Override
    public String toString() {
        return "RedisSettings[" + (ssl ? "rediss://" : "redis://") + host + ":" + port + "/" + database
                + user.map(u -> ", user=" + u).orElse("") + (password.isPresent() ? ", password=***" : "")
                + ", connectTimeout=" + connectTimeout + ", socketTimeout=" + socketTimeout
                + ", blockingSocketTimeout=" + blockingSocketTimeout + ", pool=" + poolMinIdle + ".."
                + poolMaxIdle + "/" + poolMaxTotal + ", poolMaxWait=" + poolMaxWait + "]";
    }

    private static URI parseUri(String text) {
        URI uri;
        try {
            uri = URI.create(text.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("redis uri is not a URI: " + e.getMessage(), e);
        }
        if (!JedisURIHelper.isValid(uri)
                || !(JedisURIHelper.isRedisScheme(uri) || JedisURIHelper.isRedisSSLScheme(uri))) {
            // Never echo the uri itself: it may carry a password.
            throw new IllegalArgumentException("redis uri must look like redis://[user:password@]host:port[/db]"
                    + " or rediss://..., scheme was '" + uri.getScheme() + "'");
        }
        return uri;
    }
}
