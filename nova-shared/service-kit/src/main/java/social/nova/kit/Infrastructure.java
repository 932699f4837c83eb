package social.nova.kit;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

import io.helidon.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.RedisClient;
import social.nova.db.Database;
import social.nova.db.DatabaseSettings;
import social.nova.db.Migrations;
import social.nova.db.SchemaProvisioner;
import social.nova.discovery.ConsulServiceDirectory;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.ServiceDirectory;
import social.nova.redis.RedisClients;
import social.nova.redis.RedisSettings;
import social.nova.rpc.NovaClients;

/**
 * The infrastructure a service asked the kit for, each piece created once on first use from its
 * config block and closed (newest first) when the service stops.
 */
final class Infrastructure implements AutoCloseable {
    private final Config config;
    private final MeterRegistry meters;
    private final Readiness readiness;
    private Database database;
    private RedisClient redis;
    private ServiceDirectory directory;
    private NovaClients clients;
    /** A lock, not {@code synchronized}: creating and closing each piece blocks on I/O (see ServiceKit). */
    private final ReentrantLock lock = new ReentrantLock();

    Infrastructure(Config config, MeterRegistry meters, Readiness readiness) {
        this.config = config;
        this.meters = meters;
        this.readiness = readiness;
    }

    /**
     * The service's database. With {@code db.provision.admin-user} set (local stacks, tests), the
     * kit first creates the service's role and schema with that superuser; in production a deploy
     * step does that and the service only ever holds its own role.
     */
    Database database() {
        lock.lock();
        try {
            if (database == null) {
                Config db = config.get("db");
                DatabaseSettings settings = DatabaseSettings.create(db);
                db.get("provision.admin-user")
                        .asString()
                        .ifPresent(admin -> provision(
                                settings,
                                admin,
                                db.get("provision.admin-password").asString().orElse(""),
                                db.get("provision.extensions")
                                        .asList(String.class)
                                        .orElse(List.of())));
                database = ServiceKit.named("database " + settings.url(), () -> Database.create(settings, meters));
                Migrations.migrate(database);
                readiness.add("database", database::ping);
            }
            return database;
        } finally {
            lock.unlock();
        }
    }

    RedisClient redis() {
        lock.lock();
        try {
            if (redis == null) {
                RedisSettings settings = RedisSettings.create(config.get("redis"));
                redis = ServiceKit.named("redis " + settings, () -> RedisClients.create(settings));
                RedisClient client = redis;
                // A service whose Redis use degrades gracefully (the gateway's fail-open rate limit)
                // stays ready without it: redis.required-for-readiness = false.
                if (config.get("redis.required-for-readiness").asBoolean().orElse(true)) {
                    readiness.add("redis", () -> "PONG".equals(client.ping()));
                }
            }
            return redis;
        } finally {
            lock.unlock();
        }
    }

    ServiceDirectory directory() {
        lock.lock();
        try {
            if (directory == null) {
                directory = ConsulServiceDirectory.create(ConsulSettings.create(config.get("consul")), meters);
            }
            return directory;
        } finally {
            lock.unlock();
        }
    }

    /** The clients if a service asked for them, without opening them. */
    java.util.Optional<NovaClients> openedClients() {
        lock.lock();
        try {
            return java.util.Optional.ofNullable(clients);
        } finally {
            lock.unlock();
        }
    }

    NovaClients clients() {
        lock.lock();
        try {
            if (clients == null) {
                clients = NovaClients.create(config.get("rpc"), directory(), meters);
            }
            return clients;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            if (clients != null) {
                ServiceKit.closeQuietly(clients);
            }
            if (directory != null) {
                ServiceKit.closeQuietly(directory);
            }
            if (redis != null) {
                ServiceKit.closeQuietly(redis);
            }
            if (database != null) {
                ServiceKit.closeQuietly(database);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void provision(
            DatabaseSettings settings, String adminUser, String adminPassword, List<String> extensions) {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(settings.url());
        admin.setUser(adminUser);
        admin.setPassword(adminPassword);
        try {
            SchemaProvisioner.provision(
                    admin,
                    settings.schema(),
                    settings.user(),
                    settings.password()
                            .orElseThrow(() -> new IllegalStateException(
                                    "db.password is required to provision role " + settings.user())),
                    extensions);
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "Cannot provision schema " + settings.schema() + " for role " + settings.user() + ": "
                            + e.getMessage(),
                    e);
        }
    }
}
