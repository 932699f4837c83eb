package social.nova.db;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * How a service reaches its schema in the shared PostgreSQL database.
 *
 * <p>Config keys (under the node given to {@link #create(Config)}, usually {@code db}); durations
 * ISO-8601:
 * <pre>
 * url:                           (required) jdbc:postgresql://host:5432/nova
 * user:                          (required) the service's login role, e.g. auth
 * password:                      (none)
 * schema:                        (required) the service's schema; every connection's search_path
 * ping-timeout:                  PT1S       readiness ping() answers false after this
 * statement-timeout:             PT30S      longest a statement run through jdbi() may take; a
 *                                           statement of a gRPC call gets the call's remaining
 *                                           deadline when that is shorter
 * pool.name:                     nova-&lt;schema&gt;   also the connections' application_name
 * pool.max-size:                 10
 * pool.min-idle:                 2
 * pool.connection-timeout:       PT5S       wait for a connection before failing the call
 * pool.validation-timeout:       PT2S       liveness check of a pooled connection
 * pool.idle-timeout:             PT10M
 * pool.max-lifetime:             PT30M
 * pool.fail-fast:                true       fail start-up if the database is unreachable (within
 *                                           connection-timeout); false starts the pool anyway
 * migration.locations:           [classpath:db/migration]   the service's Flyway scripts
 * </pre>
 */
public record DatabaseSettings(
        String url,
        String user,
        Optional<String> password,
        String schema,
        Duration pingTimeout,
        Duration statementTimeout,
        String poolName,
        int poolMaxSize,
        int poolMinIdle,
        Duration connectionTimeout,
        Duration validationTimeout,
        Duration idleTimeout,
        Duration maxLifetime,
        boolean failFast,
        List<String> migrationLocations) {

    public static final Duration DEFAULT_PING_TIMEOUT = Duration.ofSeconds(1);
    public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_POOL_MAX_SIZE = 10;
    public static final int DEFAULT_POOL_MIN_IDLE = 2;
    public static final Duration DEFAULT_CONNECTION_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration DEFAULT_VALIDATION_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration DEFAULT_MAX_LIFETIME = Duration.ofMinutes(30);
    public static final List<String> DEFAULT_MIGRATION_LOCATIONS = List.of(Migrations.DEFAULT_LOCATION);
    /** HikariCP's own lower bound for connection and validation timeouts. */
    private static final Duration HIKARI_MIN_TIMEOUT = Duration.ofMillis(250);

    public DatabaseSettings {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("db url must start with jdbc:postgresql:, was '" + url + "'");
        }
        if (Objects.requireNonNull(user, "user").isBlank()) {
            throw new IllegalArgumentException("db user must not be blank");
        }
        Objects.requireNonNull(password, "password");
        Identifiers.require("db schema", schema);
        requirePositive("db ping-timeout", pingTimeout);
        requireAtLeast("db statement-timeout", statementTimeout, Duration.ofMillis(1));
        if (Objects.requireNonNull(poolName, "poolName").isBlank()) {
            throw new IllegalArgumentException("db pool.name must not be blank");
        }
        if (poolMaxSize < 1 || poolMinIdle < 0 || poolMinIdle > poolMaxSize) {
            throw new IllegalArgumentException("db pool sizes must satisfy 0 <= min-idle <= max-size and max-size >= 1,"
                    + " were min-idle=" + poolMinIdle + ", max-size=" + poolMaxSize);
        }
        requireAtLeast("db pool.connection-timeout", connectionTimeout, HIKARI_MIN_TIMEOUT);
        requireAtLeast("db pool.validation-timeout", validationTimeout, HIKARI_MIN_TIMEOUT);
        requirePositive("db pool.idle-timeout", idleTimeout);
        requirePositive("db pool.max-lifetime", maxLifetime);
        migrationLocations = List.copyOf(migrationLocations);
        if (migrationLocations.isEmpty()) {
            throw new IllegalArgumentException("db migration.locations must name at least one location");
        }
    }

    /** Defaults for everything but where and who. */
    public static DatabaseSettings of(String url, String user, String password, String schema) {
        return new DatabaseSettings(
                url,
                user,
                Optional.ofNullable(password),
                schema,
                DEFAULT_PING_TIMEOUT,
                DEFAULT_STATEMENT_TIMEOUT,
                defaultPoolName(schema),
                DEFAULT_POOL_MAX_SIZE,
                DEFAULT_POOL_MIN_IDLE,
                DEFAULT_CONNECTION_TIMEOUT,
                DEFAULT_VALIDATION_TIMEOUT,
                DEFAULT_IDLE_TIMEOUT,
                DEFAULT_MAX_LIFETIME,
                true,
                DEFAULT_MIGRATION_LOCATIONS);
    }

    /** Reads the keys listed in the class comment. */
    public static DatabaseSettings create(Config config) {
        String schema = config.get("schema").asString().get();
        Config pool = config.get("pool");
        return new DatabaseSettings(
                config.get("url").asString().get(),
                config.get("user").asString().get(),
                config.get("password").asString().asOptional(),
                schema,
                duration(config, "ping-timeout", DEFAULT_PING_TIMEOUT),
                duration(config, "statement-timeout", DEFAULT_STATEMENT_TIMEOUT),
                pool.get("name").asString().orElse(defaultPoolName(schema)),
                pool.get("max-size").asInt().orElse(DEFAULT_POOL_MAX_SIZE),
                pool.get("min-idle").asInt().orElse(DEFAULT_POOL_MIN_IDLE),
                duration(pool, "connection-timeout", DEFAULT_CONNECTION_TIMEOUT),
                duration(pool, "validation-timeout", DEFAULT_VALIDATION_TIMEOUT),
                duration(pool, "idle-timeout", DEFAULT_IDLE_TIMEOUT),
                duration(pool, "max-lifetime", DEFAULT_MAX_LIFETIME),
                pool.get("fail-fast").asBoolean().orElse(true),
                config.get("migration.locations").asList(String.class).orElse(DEFAULT_MIGRATION_LOCATIONS));
    }

    /** The same settings with other timeouts (tests of a stopped database use short ones). */
    public DatabaseSettings withTimeouts(Duration connection, Duration ping) {
        return new DatabaseSettings(
                url,
                user,
                password,
                schema,
                ping,
                statementTimeout,
                poolName,
                poolMaxSize,
                poolMinIdle,
                connection,
                validationTimeout,
                idleTimeout,
                maxLifetime,
                failFast,
                migrationLocations);
    }

    /** The same settings with other Flyway locations. */
    public DatabaseSettings withMigrationLocations(String... locations) {
        return new DatabaseSettings(
                url,
                user,
                password,
                schema,
                pingTimeout,
                statementTimeout,
                poolName,
                poolMaxSize,
                poolMinIdle,
                connectionTimeout,
                validationTimeout,
                idleTimeout,
                maxLifetime,
                failFast,
                List.of(locations));
    }

    /** The same settings with another longest statement time. */
    public DatabaseSettings withStatementTimeout(Duration timeout) {
        return new DatabaseSettings(
                url,
                user,
                password,
                schema,
                pingTimeout,
                timeout,
                poolName,
                poolMaxSize,
                poolMinIdle,
                connectionTimeout,
                validationTimeout,
                idleTimeout,
                maxLifetime,
                failFast,
                migrationLocations);
    }

    /** Keeps the password out of logs. */
    @Override
    public String toString() {
        return "DatabaseSettings[url=" + url + ", user=" + user + (password.isPresent() ? ", password=***" : "")
                + ", schema=" + schema + ", pool=" + poolName + " " + poolMinIdle + ".." + poolMaxSize
                + ", connectionTimeout=" + connectionTimeout + ", pingTimeout=" + pingTimeout
                + ", statementTimeout=" + statementTimeout
                + ", migrationLocations=" + migrationLocations + "]";
    }

    private static String defaultPoolName(String schema) {
        return "nova-" + schema;
    }

    private static Duration duration(Config config, String key, Duration defaultValue) {
        return config.get(key).as(Duration.class).orElse(defaultValue);
    }

    private static void requirePositive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    private static void requireAtLeast(String name, Duration value, Duration minimum) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(minimum) < 0) {
            throw new IllegalArgumentException(name + " must be at least " + minimum + ", was " + value);
        }
    }
}
