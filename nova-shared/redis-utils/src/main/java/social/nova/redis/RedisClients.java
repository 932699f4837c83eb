package social.nova.redis;

import redis.clients.jedis.ConnectionPoolConfig;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.executors.DefaultCommandExecutor;
import redis.clients.jedis.providers.PooledConnectionProvider;

/**
 * Builds the pooled Jedis client every Nova component shares. One client per service is enough:
 * it is thread-safe, borrows a pooled connection per command and reconnects by itself after
 * Redis restarts (broken connections are dropped from the pool on first failure).
 *
 * <p>{@code socket-timeout} bounds every non-blocking command as a whole, from waiting for a
 * pooled connection to the reply ({@link TimeLimitedCommandExecutor}): a frozen Redis costs a
 * caller at most that long, not the sum of the pool wait, the connect and the socket timeouts.
 */
public final class RedisClients {
    private RedisClients() {}

    /** A new pooled client; the caller closes it on shutdown. No connection is made until first use. */
    public static RedisClient create(RedisSettings settings) {
        DefaultJedisClientConfig.Builder client = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(
                        Math.toIntExact(settings.connectTimeout().toMillis()))
                .socketTimeoutMillis(Math.toIntExact(settings.socketTimeout().toMillis()))
                .blockingSocketTimeoutMillis(
                        Math.toIntExact(settings.blockingSocketTimeout().toMillis()))
                .database(settings.database());
        if (settings.ssl()) {
            // The JVM's default trust store verifies the server certificate.
            client.sslOptions(SslOptions.defaults());
        }
        settings.user().ifPresent(client::user);
        settings.password().ifPresent(client::password);
        settings.clientName().ifPresent(client::clientName);

        ConnectionPoolConfig pool = new ConnectionPoolConfig();
        pool.setMaxTotal(settings.poolMaxTotal());
        pool.setMaxIdle(settings.poolMaxIdle());
        pool.setMinIdle(settings.poolMinIdle());
        pool.setMaxWait(settings.poolMaxWait());
        // A borrower must not wait forever when Redis is gone; the pool then fails fast.
        pool.setBlockWhenExhausted(true);
        pool.setJmxEnabled(false);

        JedisClientConfig clientConfig = client.build();
        PooledConnectionProvider connections =
                new PooledConnectionProvider(new HostAndPort(settings.host(), settings.port()), clientConfig, pool);
        return RedisClient.builder()
                .clientConfig(clientConfig)
                .connectionProvider(connections)
                .commandExecutor(new TimeLimitedCommandExecutor(
                        new DefaultCommandExecutor(connections), settings.socketTimeout()))
                .build();
    }
}
