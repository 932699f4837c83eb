package social.nova.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.metrics.micrometer.MicrometerMetricsTrackerFactory;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.postgres.PostgresPlugin;
import org.jdbi.v3.sqlobject.SqlObjectPlugin;

/**
 * A service's connection pool (HikariCP) to its own schema, and a {@link Jdbi} on top of it.
 * Every connection has the schema as its search_path, so SQL names tables without a schema.
 * Every statement run through {@link #jdbi()} stops at the deadline of the gRPC call it serves
 * (and at {@code statement-timeout}), see {@link StatementDeadlines}.
 *
 * <pre>{@code
 * try (Database db = Database.create(DatabaseSettings.create(config.get("db")), meterRegistry)) {
 *     Migrations.migrate(db);
 *     db.jdbi().useTransaction(handle -> ...);
 * }
 * }</pre>
 */
public final class Database implements AutoCloseable {
    private final DatabaseSettings settings;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;
    private final ExecutorService pingExecutor = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicReference<CompletableFuture<Boolean>> runningPing = new AtomicReference<>();

    private Database(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource)
                .installPlugin(new PostgresPlugin())
                .installPlugin(new SqlObjectPlugin())
                .addCustomizer(new StatementDeadlines(settings.statementTimeout()));
    }

    /** A pool without metrics. */
    public static Database create(DatabaseSettings settings) {
        return new Database(settings, new HikariDataSource(hikariConfig(settings)));
    }

    /**
     * A pool whose metrics ({@code hikaricp.connections.*}, tagged with the pool name) go to
     * {@code registry}.
     *
     * @throws com.zaxxer.hikari.pool.HikariPool.PoolInitializationException when {@code pool.fail-fast}
     *         is set and the database cannot be reached within {@code pool.connection-timeout}
     */
    public static Database create(DatabaseSettings settings, MeterRegistry registry) {
        HikariConfig config = hikariConfig(settings);
        config.setMetricsTrackerFactory(new MicrometerMetricsTrackerFactory(Objects.requireNonNull(registry)));
        return new Database(settings, new HikariDataSource(config));
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** The pool, for libraries that take a {@link javax.sql.DataSource} (Flyway). */
    public HikariDataSource dataSource() {
        return dataSource;
    }

    /** Jdbi with the PostgreSQL plugin (arrays, UUID, JSON, hstore) and SQL objects installed. */
    public Jdbi jdbi() {
        return jdbi;
    }

    /**
     * Readiness: whether a pooled connection answers within {@code ping-timeout}. Never throws and
     * never blocks longer than the timeout; concurrent callers share one check in flight.
     */
    public boolean ping() {
        CompletableFuture<Boolean> check = runningPing.updateAndGet(running -> running == null || running.isDone()
                ? CompletableFuture.supplyAsync(this::connectionAnswers, pingExecutor)
                : running);
        try {
            return check.get(settings.pingTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes the pool; idempotent. */
    @Override
    public void close() {
        pingExecutor.shutdownNow();
        dataSource.close();
    }

    private boolean connectionAnswers() {
        try (Connection connection = dataSource.getConnection()) {
            // isValid sends an empty query; its timeout is in whole seconds, at least one.
            int seconds = (int) Math.max(1, (settings.pingTimeout().toMillis() + 999) / 1000);
            return connection.isValid(seconds);
        } catch (SQLException | RuntimeException e) {
            return false;
        }
    }

    private static HikariConfig hikariConfig(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(settings.poolName());
        config.setJdbcUrl(settings.url());
        config.setUsername(settings.user());
        settings.password().ifPresent(config::setPassword);
        // Hikari applies this with Connection.setSchema, which pgjdbc turns into the search_path.
        config.setSchema(settings.schema());
        config.setMaximumPoolSize(settings.poolMaxSize());
        config.setMinimumIdle(settings.poolMinIdle());
        config.setConnectionTimeout(settings.connectionTimeout().toMillis());
        config.setValidationTimeout(settings.validationTimeout().toMillis());
        config.setIdleTimeout(settings.idleTimeout().toMillis());
        config.setMaxLifetime(settings.maxLifetime().toMillis());
        // Positive: wait up to connection-timeout for a first connection, then fail; negative: start anyway.
        config.setInitializationFailTimeout(
                settings.failFast() ? settings.connectionTimeout().toMillis() : -1);
        config.addDataSourceProperty("ApplicationName", settings.poolName());
        return config;
    }
}
