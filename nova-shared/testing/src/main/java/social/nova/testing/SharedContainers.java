package social.nova.testing;

import java.net.URI;
import java.time.Duration;

import org.testcontainers.consul.ConsulContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * The platform containers an integration test needs (Consul, PostgreSQL, Redis, a mail server, an
 * S3-compatible object store), started on first use and shared by every test class in the JVM (one
 * failsafe run), so a module's ITs pay for each container once.
 * Tests that break a container (stop, pause, restart) must start their own instead.
 *
 * <p>Without Ryuk (no registry) Testcontainers stops these from its JVM shutdown hook, and
 * {@code ./nova test} removes leftovers of crashed runs by label.
 */
public final class SharedContainers {
    private static final int CONSUL_HTTP_PORT = 8500;
    public static final String DATABASE = "nova";
    public static final String SUPERUSER = "nova_admin";
    public static final String SUPERUSER_PASSWORD = "nova_admin_pw";

    private SharedContainers() {}

    private static final class Consul {
        static final ConsulContainer INSTANCE = start(newConsul());
    }

    private static final class Postgres {
        static final PostgreSQLContainer INSTANCE = start(newPostgres());
    }

    private static final class Redis {
        static final RedisContainer INSTANCE = start(newRedis());
    }

    private static final class Mail {
        static final MailContainer INSTANCE = start(newMail());
    }

    private static final class ObjectStore {
        static final ObjectStoreContainer INSTANCE = start(newObjectStore());
    }

    /** The shared Consul dev agent (HTTP API and UI on {@link #consulHttpUri()}). */
    public static ConsulContainer consul() {
        return Consul.INSTANCE;
    }

    /** The shared PostgreSQL server; its superuser is {@link #SUPERUSER}, database {@link #DATABASE}. */
    public static PostgreSQLContainer postgres() {
        return Postgres.INSTANCE;
    }

    /** The shared Redis server. */
    public static RedisContainer redis() {
        return Redis.INSTANCE;
    }

    /**
     * The shared mail server (SMTP on {@link MailContainer#getSmtpPort()}, IMAP on {@link
     * MailContainer#getImapPort()}). Mailboxes live as long as the container: a test sends to an
     * address of its own (a random one) so that it reads back only its own mail.
     */
    public static MailContainer mail() {
        return Mail.INSTANCE;
    }

    /**
     * The shared S3-compatible object store ({@link ObjectStoreContainer#endpoint()}, the development
     * key pair). Buckets live as long as the container: a test creates a bucket of its own (a random
     * name) so that it sees only its own objects.
     */
    public static ObjectStoreContainer objectStore() {
        return ObjectStore.INSTANCE;
    }

    public static URI consulHttpUri() {
        return consulHttpUri(consul());
    }

    public static URI consulHttpUri(ConsulContainer consul) {
        return URI.create("http://" + consul.getHost() + ":" + consul.getMappedPort(CONSUL_HTTP_PORT));
    }

    /**
     * Config overrides that point a Nova service at the shared containers: its own schema and role
     * in the shared PostgreSQL (provisioned by the service kit with the superuser), the shared
     * Redis, a random port on loopback, and no Consul registration. Layer the service's
     * {@code application.yaml} below these, and the test's own overrides above.
     */
    public static java.util.Map<String, String> serviceConfig(String schema, String role) {
        var postgres = postgres();
        var redis = redis();
        java.util.Map<String, String> values = new java.util.HashMap<>();
        values.put("server.port", "0");
        values.put("server.host", "127.0.0.1");
        values.put("db.url", postgres.getJdbcUrl());
        values.put("db.schema", schema);
        values.put("db.user", role);
        values.put("db.password", role + "_pw");
        values.put("db.provision.admin-user", SUPERUSER);
        values.put("db.provision.admin-password", SUPERUSER_PASSWORD);
        values.put("db.outbox.poll-interval", "PT0.1S");
        values.put("redis.host", redis.getHost());
        values.put("redis.port", String.valueOf(redis.getRedisPort()));
        values.put("consul.register", "false");
        values.put("shutdown.propagation-delay", "PT0S");
        return values;
    }

    /**
     * The address at which a container reaches servers a test starts on this host: the gateway of
     * its Docker bridge network. Test servers bind to it (not to external interfaces) and register
     * it with Consul, so that the agent's own health checks can reach them.
     */
    public static String hostAddressSeenFrom(org.testcontainers.containers.GenericContainer<?> container) {
        return container.getContainerInfo().getNetworkSettings().getNetworks().values().stream()
                .map(network -> network.getGateway())
                .filter(gateway -> gateway != null && !gateway.isBlank())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "container " + container.getContainerName() + " is on no network with a gateway"));
    }

    /** A new, unstarted Consul dev agent on the platform image. */
    public static ConsulContainer newConsul() {
        // Testcontainers waits for /v1/status/leader to answer 200, which a dev agent does (with "")
        // before it has elected itself; registrations made then can fail. Wait for a leader.
        return new ConsulContainer(PlatformImages.CONSUL.image())
                .waitingFor(Wait.forHttp("/v1/status/leader")
                        .forPort(CONSUL_HTTP_PORT)
                        .forResponsePredicate(body -> body.matches("\\s*\"[^\"]+\"\\s*"))
                        .withStartupTimeout(Duration.ofSeconds(60)));
    }

    /** A new, unstarted PostgreSQL server on the platform image. */
    public static PostgreSQLContainer newPostgres() {
        return new PostgreSQLContainer(PlatformImages.POSTGRES.image())
                .withDatabaseName(DATABASE)
                .withUsername(SUPERUSER)
                .withPassword(SUPERUSER_PASSWORD);
    }

    /** A new, unstarted Redis server on the platform image. */
    public static RedisContainer newRedis() {
        return new RedisContainer(PlatformImages.REDIS.image());
    }

    /** A new, unstarted mail server (GreenMail, SMTP and IMAP) on the platform image. */
    public static MailContainer newMail() {
        return new MailContainer(PlatformImages.MAIL.image());
    }

    /** A new, unstarted object store (S3Proxy, filesystem backend) on the platform image. */
    public static ObjectStoreContainer newObjectStore() {
        return new ObjectStoreContainer(PlatformImages.OBJECT_STORE.image());
    }

    private static <T extends org.testcontainers.containers.GenericContainer<?>> T start(T container) {
        container.start();
        return container;
    }
}
