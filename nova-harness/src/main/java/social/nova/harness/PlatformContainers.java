package social.nova.harness;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import social.nova.testing.MailContainer;
import social.nova.testing.ObjectStoreContainer;
import social.nova.testing.PlatformImages;
import social.nova.testing.SharedContainers;

/**
 * Consul, PostgreSQL, Redis, the mail server, the OpenID Connect provider, the object store and the
 * live-streaming media server of a stack: one of each on the stack's network, under the aliases the
 * services are pointed at ({@code consul}, {@code postgres}, {@code redis}, {@code mail}, {@code
 * oidc}, {@code objectstore}, {@code media-server}; the media server only where streaming-service
 * runs). Images are the platform's ({@link PlatformImages}: official where present, else the local
 * Debian-built ones); the media server's is Nova's own, built on Debian ({@link
 * ToolImages#mediaServer()}).
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
    /** The OpenID Connect provider (Keycloak) and its HTTP port inside the stack's network. */
    public static final String OIDC = "oidc";

    public static final int OIDC_PORT = 8080;
    /**
     * Keycloak's administrator in its {@code master} realm (the admin console at {@code
     * <public URL>/admin/}): a development account, created at the container's first start.
     */
    public static final String OIDC_ADMIN = "admin";

    public static final String OIDC_ADMIN_PASSWORD = "nova-dev-admin";
    /**
     * The provider's memory limit. Measured with Keycloak 26.7.3 after start and a few dozen
     * sign-ins (Native Memory Tracking): heap 80-90 MiB live of 144 MiB committed, metaspace 138 MiB,
     * symbols 54 MiB, code 45 MiB, G1's own 42 MiB; 430 to 540 MiB in all as {@code docker stats}
     * counts it. The heap is bounded to half the limit ({@link #OIDC_HEAP}), leaving the other half
     * for the rest, which is what a container limit needs: Keycloak's default in a container (70 %
     * of the limit for the heap) plus the same non-heap would not fit.
     */
    static final long OIDC_MEMORY_BYTES = 768L * 1024 * 1024;
    /** Keycloak's heap options ({@code JAVA_OPTS_KC_HEAP}, read by {@code kc.sh} in both images). */
    static final String OIDC_HEAP = "-XX:MaxRAMPercentage=50 -XX:InitialRAMPercentage=10";

    /** The S3-compatible object store (S3Proxy, filesystem backend) and its HTTP port inside the stack's network. */
    public static final String OBJECT_STORE = "objectstore";

    public static final int OBJECT_STORE_PORT = ObjectStoreContainer.S3_PORT;
    /**
     * The object store's S3 endpoint inside the stack's network, {@code http://objectstore:80}:
     * path-style requests ({@code /<bucket>/<key>}) signed with {@link #OBJECT_STORE_ACCESS_KEY} and
     * {@link #OBJECT_STORE_SECRET_KEY} for {@link #OBJECT_STORE_REGION}.
     */
    public static final URI OBJECT_STORE_NETWORK_ENDPOINT =
            URI.create("http://" + OBJECT_STORE + ":" + OBJECT_STORE_PORT);
    /** The object store's development key pair (a development stack's; the same in tests). */
    public static final String OBJECT_STORE_ACCESS_KEY = ObjectStoreContainer.DEV_ACCESS_KEY;

    public static final String OBJECT_STORE_SECRET_KEY = ObjectStoreContainer.DEV_SECRET_KEY;
    /** The region clients sign for (S3Proxy accepts any). */
    public static final String OBJECT_STORE_REGION = ObjectStoreContainer.REGION;

    /**
     * The live-streaming media server (Debian's nginx with its RTMP module, {@code
     * nova-harness/images/nginx-rtmp}), in every stack that runs streaming-service.
     */
    public static final String MEDIA_SERVER = "media-server";
    /**
     * RTMP ingest, published on the host: broadcasters push to {@code
     * /live/<stream id>?key=<stream key>}, and streaming-service's callback says whether they may.
     */
    public static final int MEDIA_SERVER_RTMP_PORT = 1935;
    /** HLS for viewers ({@code /hls/<stream id>/index.m3u8}) and {@code GET /healthz}, published on the host. */
    public static final int MEDIA_SERVER_HLS_PORT = 8080;
    /** nginx-rtmp's control API (rtmp_control), for streaming-service only: never published on the host. */
    public static final int MEDIA_SERVER_CONTROL_PORT = 8081;
    /** The RTMP application broadcasters publish to (the path of the ingest URL). */
    public static final String MEDIA_SERVER_APPLICATION = "live";
    /**
     * The control API inside the stack's network, {@code http://media-server:8081/control}: {@code
     * GET <this>/drop/publisher?app=live&name=<stream id>} disconnects a broadcaster.
     */
    public static final URI MEDIA_SERVER_CONTROL_URL =
            URI.create("http://" + MEDIA_SERVER + ":" + MEDIA_SERVER_CONTROL_PORT + "/control");
    /**
     * The path below streaming-service's HTTP port the media server's callbacks go to, followed by
     * the stack's shared secret: nginx-rtmp cannot send headers, so the secret is a path segment.
     */
    public static final String MEDIA_SERVER_CALLBACK_PATH = "/media-server/";

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

    /**
     * S3Proxy with its filesystem backend, its S3 port published on any free port, set up as in tests
     * ({@link ObjectStoreContainer#devEnvironment()}): path-style requests with AWS signatures (V4,
     * or V2) checked against the development key pair. Objects live in the container's file system
     * ({@value ObjectStoreContainer#DATA_DIRECTORY}), like PostgreSQL's data: a test stack's go with
     * the stack, and the {@code up} stack's last as long as its container, which {@code ./nova up}
     * keeps while it is unchanged. No service depends on its container: services reach it by its
     * alias per request, like the mail server.
     */
    static ContainerSpec objectStore(StackIdentity identity) {
        return spec(
                identity,
                OBJECT_STORE,
                PlatformImages.OBJECT_STORE.tag(),
                ObjectStoreContainer.devEnvironment(),
                List.of(),
                Map.of(OBJECT_STORE_PORT, 0));
    }

    /**
     * Keycloak with the realm {@value OidcRealm#REALM} imported at start ({@link OidcRealm}), its HTTP
     * port published on {@code hostPort}.
     *
     * <p>The host port is fixed when the container is created, because Keycloak must know the
     * address the browser reaches it at: {@code KC_HOSTNAME} ({@code publicUrl}) is its front-end
     * URL, the issuer of every token and the host of its login pages. With {@code
     * KC_HOSTNAME_BACKCHANNEL_DYNAMIC} a request inside the stack's network ({@code
     * http://oidc:8080}) gets the token endpoint, keys and user info at that address instead, so
     * auth-service needs no route to the host. Plain HTTP: browsers treat {@code localhost} as a
     * secure context, which Keycloak's cookies (always {@code Secure}) need.
     *
     * <p>{@code start}, not {@code start-dev}, with the options Nova's local image was built with
     * (dev-file database, health endpoints): that image starts at once, and the official one, built
     * with Keycloak's defaults, rebuilds itself first. The cache is local (one node: no JGroups
     * cluster to form). The realm file is copied in before the start ({@link ContainerFile}), so
     * both images import it, and a changed realm recreates the container.
     *
     * @param hostPort  the host port of Keycloak's HTTP port, decided before the container exists
     * @param publicUrl {@code http://<published host>:<hostPort>}, as the browser reaches it
     */
    static ContainerSpec oidc(StackIdentity identity, int hostPort, URI publicUrl) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KC_HOSTNAME", publicUrl.toString());
        env.put("KC_HOSTNAME_BACKCHANNEL_DYNAMIC", "true");
        env.put("KC_HTTP_ENABLED", "true");
        env.put("KC_HTTP_PORT", Integer.toString(OIDC_PORT));
        env.put("KC_DB", "dev-file");
        env.put("KC_HEALTH_ENABLED", "true");
        env.put("KC_CACHE", "local");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", OIDC_ADMIN);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", OIDC_ADMIN_PASSWORD);
        env.put("JAVA_OPTS_KC_HEAP", OIDC_HEAP);
        return spec(
                identity,
                OIDC,
                PlatformImages.OIDC.tag(),
                env,
                List.of("start", "--import-realm"),
                Map.of(OIDC_PORT, hostPort),
                OIDC_MEMORY_BYTES,
                List.of(OidcRealm.importFile()));
    }

    /**
     * The base URL of the media server's callbacks, {@code
     * http://<streaming-service>:<port>/media-server/<secret>}: nginx POSTs forms to {@code
     * <base>/publish}, {@code <base>/publish-done} and {@code <base>/update}.
     */
    public static URI mediaServerCallback(String streamingService, int port, String secret) {
        if (!secret.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("the callback secret must be letters, digits, '-' and '_'");
        }
        return URI.create("http://" + streamingService + ":" + port + MEDIA_SERVER_CALLBACK_PATH + secret);
    }

    /**
     * The media server ({@link ToolImages#mediaServer()}), RTMP and HLS published on host ports
     * decided before it is created (so a restart keeps them, and streaming-service is told them),
     * the control port on the stack's network only. Its callbacks go to {@code callback} ({@code
     * NOVA_STREAMING_CALLBACK}), a name resolved per call: it starts before streaming-service. No
     * service depends on its container: streaming-service reaches it by its alias per request.
     *
     * @param image        the image's tag
     * @param callback     {@link #mediaServerCallback}
     * @param rtmpHostPort the host port of RTMP ingest
     * @param hlsHostPort  the host port of HLS (and {@code /healthz})
     */
    static ContainerSpec mediaServer(
            StackIdentity identity, String image, URI callback, int rtmpHostPort, int hlsHostPort) {
        return spec(
                identity,
                MEDIA_SERVER,
                image,
                Map.of("NOVA_STREAMING_CALLBACK", callback.toString()),
                List.of(),
                Map.of(MEDIA_SERVER_RTMP_PORT, rtmpHostPort, MEDIA_SERVER_HLS_PORT, hlsHostPort));
    }

    private static ContainerSpec spec(
            StackIdentity identity,
            String role,
            String image,
            Map<String, String> env,
            List<String> command,
            Map<Integer, Integer> published) {
        return spec(identity, role, image, env, command, published, 0, List.of());
    }

    private static ContainerSpec spec(
            StackIdentity identity,
            String role,
            String image,
            Map<String, String> env,
            List<String> command,
            Map<Integer, Integer> published,
            long memoryBytes,
            List<ContainerFile> files) {
        return new ContainerSpec(
                identity.containerName(role),
                image,
                List.of(role),
                env,
                command,
                published,
                memoryBytes,
                identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, role)),
                List.of(),
                files);
    }
}
