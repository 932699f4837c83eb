package social.nova.harness;

import java.util.List;
import java.util.Map;

import social.nova.testing.MailContainer;
import social.nova.testing.PlatformImages;
import social.nova.testing.SharedContainers;

/**
 * Consul, PostgreSQL, Redis and the mail server of a stack: one of each on the stack's network,
 * under the aliases the services are pointed at ({@code consul}, {@code postgres}, {@code redis},
 * {@code mail}). Images are the platform's ({@link PlatformImages}: official where present, else
 * the local Debian-built ones).
 */
public final class PlatformContainers {
    public static final String CONSUL = "consul";
    public static final int CONSUL_PORT = 8500;
    public static final String POSTGRES = "postgres";
    public static final int POSTGRES_PORT = 5432;
    /**
     * The server's command in a test stack: PostgreSQL without {@code fsync} and without full-page
     * images in its log (the image's entrypoint, like the official one's, passes the arguments after
     * {@code postgres} to the server). {@code synchronous_commit} stays on: a commit still waits
     * until its log record is written to the kernel, so a crash or restart of PostgreSQL loses no
     * acknowledged write (with it off, FaultsIT's "PostgreSQL restarted" lost two acknowledged posts
     * in the log buffer); only a crash of the machine could, which a test stack does not outlive.
     */
    static final List<String> NON_DURABLE = List.of("postgres", "-c", "fsync=off", "-c", "full_page_writes=off");

    public static final String REDIS = "redis";
    public static final int REDIS_PORT = 6379;
    public static final String MAIL = "mail";
    /** SMTP and IMAP of the mail server inside the stack's network ({@code mail:3025}, {@code mail:3143}). */
    public static final int MAIL_SMTP_PORT = MailContainer.SMTP_PORT;

    public static final int MAIL_IMAP_PORT = MailContainer.IMAP_PORT;
    /** The database every service's schema lives in, and its superuser (the harness provisions with it). */
    public static final String DATABASE = SharedContainers.DATABASE;

    public static final String SUPERUSER = SharedContainers.SUPERUSER;
    public static final String SUPERUSER_PASSWORD = SharedContainers.SUPERUSER_PASSWORD;

    private PlatformContainers() {}

    /** A Consul dev agent (HTTP API and UI on 8500, published on {@code hostPort}; 0 = any). */
    static ContainerSpec consul(StackIdentity identity, int hostPort) {
        return spec(
                identity,
                CONSUL,
                PlatformImages.CONSUL.tag(),
                Map.of(),
                List.of("agent", "-dev", "-client", "0.0.0.0"),
                Map.of(CONSUL_PORT, hostPort));
    }

    /**
     * PostgreSQL with database {@value #DATABASE} and superuser {@value #SUPERUSER}, published on any
     * free port.
     *
     * <p>A test stack's database is thrown away with the stack, so it runs with PostgreSQL's
     * non-durable settings for tests ({@link #NON_DURABLE}; "Non-Durable Settings" in PostgreSQL's
     * manual): a commit waits for the kernel, not for the disk. On this kind of machine (a virtual
     * disk shared with other tenants) a single {@code fsync} takes up to a second now and then, and a
     * durable commit waits for one: the latency run's slowest calls were exactly the writes
     * (CreatePost, LikePost, Refresh at 0.6-0.8 s) in half of the runs, so the disk, not Nova,
     * decided the plan's 500 ms exit criterion. The harness measures the services, PostgreSQL's own
     * work included; the disk's stalls are measured beside them ({@code DiskStalls}). A {@code docker
     * restart} of the database (a fault test) keeps every acknowledged row. The {@code up} stack keeps
     * PostgreSQL's defaults (every commit on disk), as a real deployment must.
     *
     * @param durable whether commits wait for the disk (the {@code up} stack) or not (test stacks)
     */
    static ContainerSpec postgres(StackIdentity identity, boolean durable) {
        return spec(
                identity,
                POSTGRES,
                PlatformImages.POSTGRES.tag(),
                Map.of("POSTGRES_USER", SUPERUSER, "POSTGRES_PASSWORD", SUPERUSER_PASSWORD, "POSTGRES_DB", DATABASE),
                durable ? List.of() : NON_DURABLE,
                Map.of(POSTGRES_PORT, 0));
    }

    /** Redis, published on any free port. */
    static ContainerSpec redis(StackIdentity identity) {
        return spec(identity, REDIS, PlatformImages.REDIS.tag(), Map.of(), List.of(), Map.of(REDIS_PORT, 0));
    }

    /**
     * GreenMail with SMTP and IMAP, each published on any free port, set up as in tests ({@link
     * MailContainer#DEV_OPTIONS}): mail to any address is accepted and kept, and read over IMAP
     * with the address as user and password, so a developer sees what the services sent.
     */
    static ContainerSpec mail(StackIdentity identity) {
        return spec(
                identity,
                MAIL,
                PlatformImages.MAIL.tag(),
                Map.of("GREENMAIL_OPTS", MailContainer.DEV_OPTIONS),
                List.of(),
                Map.of(MAIL_SMTP_PORT, 0, MAIL_IMAP_PORT, 0));
    }

    private static ContainerSpec spec(
            StackIdentity identity,
            String role,
            String image,
            Map<String, String> env,
            List<String> command,
            Map<Integer, Integer> published) {
        return new ContainerSpec(
                identity.containerName(role),
                image,
                List.of(role),
                env,
                command,
                published,
                0,
                identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, role)),
                List.of());
    }
}
