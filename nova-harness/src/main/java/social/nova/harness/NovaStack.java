package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.postgresql.ds.PGSimpleDataSource;
import redis.clients.jedis.RedisClient;
import social.nova.db.SchemaProvisioner;
import social.nova.harness.ServiceImages.ServiceImage;
import social.nova.harness.StackDocker.RunningContainer;
import social.nova.harness.latency.RpcEdgeLatencies;
import social.nova.harness.latency.SlowCalls;
import social.nova.testing.FcmDouble;
import social.nova.testing.MailContainer;
import social.nova.testing.ObjectStoreContainer;
import social.nova.testing.PlatformImages;

import static org.awaitility.Awaitility.await;

/**
 * The whole Nova stack in containers: one Docker network; Consul, PostgreSQL, Redis, a mail
 * server (GreenMail), an OpenID Connect provider (Keycloak, {@link OidcRealm}), an S3-compatible
 * object store (S3Proxy) and, where streaming-service runs, the live-streaming media server
 * (nginx-rtmp, {@link PlatformContainers#mediaServer}); then every built
 * service of the {@link Fleet}, each image built from the service's own Dockerfile, started in
 * dependency order. {@link #start} returns once every instance's gRPC and HTTP checks, run by
 * Consul itself inside the network, pass.
 *
 * <p>Databases: the harness plays the deploy step. It gives each service its own schema and login
 * role with nova-db-pool's {@link SchemaProvisioner}, connected as the PostgreSQL superuser, and
 * hands the service only its own role's credentials (as in production, where services never hold
 * the superuser's password).
 *
 * <p>Each instance runs with {@code SERVICE_ADVERTISE_dash_ADDRESS} set to its network alias
 * ({@code auth-service-1}), so Consul's checks and other services dial it by that name.
 *
 * <p>A test stack ({@link StackSettings#persistent()} false) is removed by {@link #close()}, or by
 * Testcontainers' reaper if the JVM dies. The {@code ./nova up} stack outlives the JVM and is removed
 * with {@link #down}.
 */
public final class NovaStack implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NovaStack.class.getName());
    private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
    private static final Duration CONSUL_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    /** Surge instances of a rolling replacement are numbered from here (instance 1's is 101). */
    private static final int SURGE_NUMBER = 100;

    private static final int JDBC_VALID_TIMEOUT_SECONDS = 2;
    private static final Duration SMTP_GREETING_TIMEOUT = Duration.ofSeconds(2);
    private static final String FCM_PROJECT = "nova-stack";
    private static final String MESSAGING_SERVICE = "messaging-service";
    private static final String MEDIA_SERVICE = "media-service";
    private static final String STREAMING_SERVICE = "streaming-service";
    private static final Duration MEDIA_SERVER_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient MEDIA_SERVER_HTTP =
            HttpClient.newBuilder().connectTimeout(MEDIA_SERVER_REQUEST_TIMEOUT).build();
    private static final Duration OIDC_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration OBJECT_STORE_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final HttpClient OIDC_HTTP =
            HttpClient.newBuilder().connectTimeout(OIDC_REQUEST_TIMEOUT).build();
    private static final int LOG_LINES_ON_FAILURE = 40;
    private static final long MIB = 1024L * 1024L;
    /** Helidon's Prometheus endpoint, the same on every service (the service kit's observe feature). */
    private final StackSettings settings;

    private final StackIdentity identity;
    private final StackDocker docker;
    private final Progress progress;
    private final String host;
    private final String gitCommit;
    private final Map<String, List<ServiceInstance>> instances = new LinkedHashMap<>();
    /**
     * A test stack's Firebase Cloud Messaging: a double of Google's service (nova-testing) in this
     * JVM, which messaging-service's containers reach at {@code host.docker.internal}; none for a
     * {@code ./nova up} stack, which outlives this JVM and leaves pushes off.
     */
    private final FcmDouble fcm;
    /** The image each service runs, as built at start (a rolling deploy starts new instances from it). */
    private volatile Map<String, ServiceImage> images = Map.of();

    private volatile Fleet fleet = Fleet.of();
    // Replaced when a fault test restarts them: Docker publishes their ports anew on every start.
    private volatile RunningContainer consul;
    private volatile RunningContainer postgres;
    private volatile RunningContainer redis;
    private volatile RunningContainer mail;
    private volatile RunningContainer oidc;
    private volatile RunningContainer objectStore;
    /** The live-streaming media server; null where streaming-service does not run. */
    private volatile RunningContainer mediaServer;
    /**
     * The secret the media server's callbacks carry to streaming-service (the last path segment of
     * {@code NOVA_STREAMING_CALLBACK}, {@code STREAMING_MEDIA_dash_SERVER_CALLBACK_dash_SECRET}),
     * derived from the stack network's id like {@link #forwardingSecret}: random per stack, in no
     * file, the same for the life of the stack; null where no media server runs.
     */
    private volatile String mediaServerSecret;
    /**
     * The OpenID Connect provider's public URL ({@code http://<published host>:<host port>}): its
     * host port is fixed when the container is created, since Keycloak names it in every issuer.
     */
    private volatile URI oidcPublicUrl;
    /**
     * The host port of the edge's first instance (0: no edge runs), decided before any service
     * container is created: auth-service's redirect URIs name the gateway's address.
     */
    private volatile int gatewayHostPort;

    private volatile ConsulHealth health;
    /**
     * The key the gateway signs forwarded client addresses with, held by every service (service
     * kit: {@code forwarding.secret}). Derived from the id of the stack's Docker network: random,
     * not in the repository, the same for the life of the stack (so {@code ./nova up} keeps its
     * containers), and readable only through the Docker daemon, which reads every container's
     * environment anyway; a container on the network cannot learn it.
     */
    private volatile String forwardingSecret;

    /** The stack's infrastructure, for tests that take it away and bring it back. */
    public enum Platform {
        CONSUL("Consul"),
        POSTGRES("PostgreSQL"),
        REDIS("Redis"),
        MAIL("GreenMail"),
        OIDC("Keycloak"),
        OBJECT_STORE("S3Proxy"),
        /** Only in a stack that runs streaming-service. */
        MEDIA_SERVER("nginx-rtmp");

        private final String displayName;

        Platform(String displayName) {
            this.displayName = displayName;
        }

        @Override
        public String toString() {
            return displayName;
        }
    }

    private NovaStack(StackSettings settings, StackIdentity identity, Progress progress) {
        this.settings = settings;
        this.identity = identity;
        this.progress = progress;
        this.docker = new StackDocker(settings.bindAddress());
        this.host = settings.publishedHost();
        this.gitCommit = GitCommit.of(settings.root());
        this.fcm = settings.persistent() ? null : FcmDouble.startReachableAs(FCM_PROJECT, StackDocker.HOST_ALIAS);
    }

    /**
     * Starts the stack and waits until every instance passes its checks in Consul.
     *
     * @param fleet the services to run; those not built under {@link StackSettings#root()} are skipped
     * @throws IllegalStateException if a step fails or times out, with the failing containers' logs
     */
    public static NovaStack start(StackSettings settings, Fleet fleet, Progress progress) {
        NovaStack stack = new NovaStack(settings, StackIdentity.of(settings), progress);
        try {
            stack.startAll(fleet);
            return stack;
        } catch (RuntimeException e) {
            if (!settings.persistent()) {
                stack.close();
            }
            throw e;
        }
    }

    /** Removes the {@code ./nova up} stack, found by its label; returns how many containers were removed. */
    public static int down(StackSettings settings) {
        return new StackDocker(settings.bindAddress())
                .removeAll(StackIdentity.up().labelFilter());
    }

    private void startAll(Fleet requested) {
        long startedAt = System.nanoTime();
        Path root = settings.root();
        Fleet planned = requested.withInstances(settings.instances());
        for (String service : settings.environment().keySet()) {
            if (planned.service(service).isEmpty()) {
                throw new IllegalArgumentException("nova.environment names unknown service '" + service
                        + "'; the fleet has "
                        + planned.services().stream().map(ServiceSpec::name).toList());
            }
        }
        for (ServiceSpec missing : planned.notBuilt(root)) {
            progress.report(
                    "SKIP", missing.name() + " (not built: " + root.relativize(missing.jar(root)) + " is missing)");
        }
        fleet = planned.runnable(root);
        removeUnplanned();

        String network = docker.ensureNetwork(identity.networkName(), identity.labels());
        forwardingSecret = Hashing.sha256("nova forwarding secret\n" + network);
        // Host ports named in settings, so decided before the containers that hold those settings.
        int oidcHostPort = docker.fixedHostPort(
                        identity.containerName(PlatformContainers.OIDC), PlatformContainers.OIDC_PORT)
                .orElseGet(docker::freeHostPort);
        gatewayHostPort = fleet.edge()
                .map(edge -> settings.gatewayPort() != 0
                        ? settings.gatewayPort()
                        : docker.fixedHostPort(identity.containerName(edge.instanceAlias(1)), edge.port())
                                .orElseGet(() -> freeHostPortOtherThan(oidcHostPort)))
                .orElse(0);
        oidcPublicUrl = URI.create("http://" + urlHost(host) + ":" + oidcHostPort);
        // Keycloak first: it takes longest to boot.
        oidc = runPlatform(PlatformContainers.oidc(identity, oidcHostPort, oidcPublicUrl));
        consul = runPlatform(PlatformContainers.consul(identity, settings.consulPort()));
        postgres = runPlatform(PlatformContainers.postgres(identity, settings.persistent()));
        redis = runPlatform(PlatformContainers.redis(identity));
        mail = runPlatform(PlatformContainers.mail(identity));
        objectStore = runPlatform(PlatformContainers.objectStore(identity));
        // Before any service: streaming-service is told the media server's host ports.
        fleet.service(STREAMING_SERVICE).ifPresent(streaming -> mediaServer = runMediaServer(network, streaming));
        health = new ConsulHealth(consulUri(), CONSUL_REQUEST_TIMEOUT);

        // The platform containers boot while the images build. One step at a time on purpose: with
        // the platform's containers started together, two image builds at a time, a wave's
        // instances started together and Keycloak awaited after the services, the stack took 152 s
        // instead of 140 s on two cores (2026-12-03): the start is CPU-bound, and what overlapped
        // only slowed each JVM's boot.
        images = buildImages();

        for (Platform platform : Platform.values()) {
            if (container(platform) != null) {
                awaitReady(platform);
            }
        }
        provisionDatabases();

        for (List<ServiceSpec> wave : fleet.startWaves()) {
            startWave(wave, images);
        }
        progress.report(
                "OK",
                "stack up in " + seconds(startedAt) + ": "
                        + fleet.services().stream()
                                .map(s -> s.name() + " x" + s.instances())
                                .collect(Collectors.joining(", ")));
    }

    private RunningContainer runPlatform(ContainerSpec spec) {
        RunningContainer container = docker.run(identity.networkName(), spec);
        progress.report(
                container.kept() ? "OK" : "START",
                spec.aliases().getFirst() + " (" + spec.image() + ")" + (container.kept() ? " kept, unchanged" : ""));
        return container;
    }

    /**
     * The media server for {@code streaming}: its image built on Debian if missing or changed
     * ({@link ToolImages#mediaServer()}), its RTMP and HLS ports published on host ports decided
     * now ({@code nova.rtmp.port}, {@code nova.hls.port}, or free ones kept from an earlier
     * container of the same name), its callbacks pointed at {@code
     * http://streaming-service:<port>/media-server/<secret>}.
     */
    private RunningContainer runMediaServer(String network, ServiceSpec streaming) {
        mediaServerSecret = Hashing.sha256("nova media-server callback secret\n" + network);
        String name = identity.containerName(PlatformContainers.MEDIA_SERVER);
        int rtmpHostPort = settings.rtmpPort() != 0
                ? settings.rtmpPort()
                : docker.fixedHostPort(name, PlatformContainers.MEDIA_SERVER_RTMP_PORT)
                        .orElseGet(() -> freeHostPortOtherThan(gatewayHostPort));
        int hlsHostPort = settings.hlsPort() != 0
                ? settings.hlsPort()
                : docker.fixedHostPort(name, PlatformContainers.MEDIA_SERVER_HLS_PORT)
                        .orElseGet(() -> freeHostPortOtherThan(gatewayHostPort, rtmpHostPort));
        long startedAt = System.nanoTime();
        ToolImages.ToolImage image = new ToolImages(docker.client(), settings.root()).mediaServer();
        progress.report(
                image.built() ? "BUILT" : "OK",
                "image " + image.tag()
                        + (image.built()
                                ? " from nova-harness/images/nginx-rtmp (" + seconds(startedAt) + ")"
                                : " up to date"));
        return runPlatform(PlatformContainers.mediaServer(
                identity,
                image.tag(),
                PlatformContainers.mediaServerCallback(streaming.name(), streaming.port(), mediaServerSecret),
                rtmpHostPort,
                hlsHostPort));
    }

    private Map<String, ServiceImage> buildImages() {
        String base = PlatformImages.JAVA_RUNTIME.tag();
        ServiceImages builder = new ServiceImages(docker.client(), settings.root(), base, gitCommit);
        Map<String, ServiceImage> images = new LinkedHashMap<>();
        for (ServiceSpec service : fleet.services()) {
            long startedAt = System.nanoTime();
            ServiceImage image = builder.ensure(service);
            images.put(service.name(), image);
            progress.report(
                    image.built() ? "BUILT" : "OK",
                    "image " + image.tag()
                            + (image.built()
                                    ? " from " + service.module() + " on " + base + " (" + seconds(startedAt) + ")"
                                    : " up to date"));
        }
        return images;
    }

    private void provisionDatabases() {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setURL(jdbcUrl());
        admin.setUser(PlatformContainers.SUPERUSER);
        admin.setPassword(PlatformContainers.SUPERUSER_PASSWORD);
        for (ServiceSpec service : fleet.services()) {
            if (service.database().isEmpty()) {
                continue;
            }
            ServiceSpec.Database database = service.database().get();
            try {
                SchemaProvisioner.provision(
                        admin, database.schema(), database.role(), databasePassword(database), database.extensions());
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "Cannot provision schema " + database.schema() + " for " + service.name() + ": "
                                + e.getMessage(),
                        e);
            }
            progress.report(
                    "OK",
                    "schema " + database.schema() + " owned by role " + database.role() + " (" + service.name() + ")");
        }
    }

    /**
     * Starts a wave's services: first one instance of each, then, once those pass, the others.
     * The first instance of a service migrates its schema; starting its siblings together with it
     * on a fresh schema races in the migrations (nova-db-pool), and a rolling start is how a fleet
     * is deployed anyway.
     */
    private void startWave(List<ServiceSpec> wave, Map<String, ServiceImage> images) {
        long startedAt = System.nanoTime();
        Map<String, List<ServiceInstance>> started = new LinkedHashMap<>();
        List<ServiceInstance> first = new ArrayList<>();
        for (ServiceSpec service : wave) {
            first.add(startOrRoll(service, 1, images.get(service.name())));
        }
        awaitPassing(first);
        first.forEach(instance -> started.computeIfAbsent(instance.service(), k -> new ArrayList<>())
                .add(instance));
        List<ServiceInstance> others = new ArrayList<>();
        for (ServiceSpec service : wave) {
            for (int number = 2; number <= service.instances(); number++) {
                ServiceInstance instance = startOrRoll(service, number, images.get(service.name()));
                others.add(instance);
                started.get(service.name()).add(instance);
            }
        }
        awaitPassing(others);
        for (ServiceSpec service : wave) {
            synchronized (instances) {
                instances.put(service.name(), List.copyOf(started.get(service.name())));
            }
            progress.report(
                    "OK",
                    service.name() + " x" + service.instances()
                            + (service.dependsOn().isEmpty()
                                    ? ""
                                    : " (after " + String.join(", ", service.dependsOn()) + ")")
                            + " passing in Consul");
        }
        progress.report(
                "OK",
                "wave " + wave.stream().map(ServiceSpec::name).collect(Collectors.joining(", ")) + " up in "
                        + seconds(startedAt));
    }

    /**
     * Starts instance {@code number}, or keeps it when unchanged. When a running instance of the
     * stack that outlives this JVM ({@code ./nova up}, the pipelines' Deploy stage) must be replaced
     * (a new build, changed settings), the replacement is rolling: a surge instance starts from the
     * new image and passes its Consul checks, then the old container is stopped as {@code docker
     * stop} does (it deregisters, drains and exits) and the instance starts again from the new
     * image under its own name and host port, and once it passes the surge instance is stopped the
     * same way and removed. At no moment does the service have fewer passing instances than before,
     * even with one instance.
     */
    private ServiceInstance startOrRoll(ServiceSpec service, int number, ServiceImage image) {
        if (!settings.persistent()
                || !docker.wouldReplaceRunning(identity.networkName(), serviceContainer(service, number, image))) {
            return startInstance(service, number, image);
        }
        ServiceInstance surge = startInstance(service, SURGE_NUMBER + number, image);
        awaitPassing(List.of(surge));
        progress.report("OK", surge.alias() + " serves while " + service.instanceAlias(number) + " is replaced");
        ServiceInstance replaced = startInstance(service, number, image);
        awaitPassing(List.of(replaced));
        docker.stop(surge.containerId(), STOP_GRACE);
        docker.remove(surge.containerId());
        progress.report(
                "OK", service.instanceAlias(number) + " replaced without a gap (" + surge.alias() + " removed)");
        return replaced;
    }

    private ServiceInstance startInstance(ServiceSpec service, int number, ServiceImage image) {
        String alias = service.instanceAlias(number);
        List<String> earlier = registrationsAt(service.name(), alias);
        RunningContainer container = docker.run(identity.networkName(), serviceContainer(service, number, image));
        if (!container.kept()) {
            dropStaleRegistrations(earlier);
        }
        progress.report(container.kept() ? "OK" : "START", alias + (container.kept() ? " kept, unchanged" : ""));
        return new ServiceInstance(
                service.name(),
                number,
                alias,
                service.port(),
                container.id(),
                container.name(),
                container.hostPort(service.port()),
                host);
    }

    private ContainerSpec serviceContainer(ServiceSpec service, int number, ServiceImage image) {
        String alias = service.instanceAlias(number);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SERVER_PORT", Integer.toString(service.port()));
        env.put("SERVER_HOST", "0.0.0.0");
        // A development stack: the services may use the built-in development secrets (service kit).
        env.put("NOVA_PROFILE", "dev");
        env.put("SERVICE_ADVERTISE_dash_ADDRESS", alias);
        env.put("CONSUL_URL", "http://" + PlatformContainers.CONSUL + ":" + PlatformContainers.CONSUL_PORT);
        env.put("CONSUL_CHECKS_INTERVAL", settings.checkInterval().toString());
        env.put("REDIS_HOST", PlatformContainers.REDIS);
        env.put("REDIS_PORT", Integer.toString(PlatformContainers.REDIS_PORT));
        env.put("MAIL_SMTP_HOST", PlatformContainers.MAIL);
        env.put("MAIL_SMTP_PORT", Integer.toString(PlatformContainers.MAIL_SMTP_PORT));
        env.put("FORWARDING_SECRET", forwardingSecret);
        service.database().ifPresent(database -> {
            env.put(
                    "DB_URL",
                    "jdbc:postgresql://" + PlatformContainers.POSTGRES + ":" + PlatformContainers.POSTGRES_PORT + "/"
                            + PlatformContainers.DATABASE);
            env.put("DB_USER", database.role());
            env.put("DB_PASSWORD", databasePassword(database));
            env.put("DB_SCHEMA", database.schema());
        });
        if (!settings.javaOptions().isBlank()) {
            env.put("JAVA_TOOL_OPTIONS", settings.javaOptions());
        }
        if (service.name().equals(OidcRealm.AUTH_SERVICE)) {
            env.putAll(OidcRealm.authServiceEnvironment(oidcIssuer(), oidcRedirectUris()));
        }
        if (service.name().equals(MEDIA_SERVICE)) {
            // The stack's object store, by its alias, with the development key pair; the bucket is
            // made by media-service at its first start (media.storage.create-bucket).
            env.put("MEDIA_STORAGE_ENDPOINT", PlatformContainers.OBJECT_STORE_NETWORK_ENDPOINT.toString());
            env.put("MEDIA_STORAGE_REGION", PlatformContainers.OBJECT_STORE_REGION);
            env.put("MEDIA_STORAGE_ACCESS_dash_KEY", PlatformContainers.OBJECT_STORE_ACCESS_KEY);
            env.put("MEDIA_STORAGE_SECRET_dash_KEY", PlatformContainers.OBJECT_STORE_SECRET_KEY);
        }
        if (mediaServer != null && service.name().equals(STREAMING_SERVICE)) {
            // Where users broadcast and watch, as this machine reaches the media server (the
            // service appends /<stream id>, and /<stream id>/index.m3u8); the callbacks' secret;
            // and the control API, inside the network only.
            env.put("STREAMING_INGEST_dash_URL", rtmpIngestUri().orElseThrow().toString());
            env.put("STREAMING_PLAYBACK_dash_URL", hlsUri().orElseThrow().toString());
            env.put("STREAMING_MEDIA_dash_SERVER_CALLBACK_dash_SECRET", mediaServerSecret);
            env.put(
                    "STREAMING_MEDIA_dash_SERVER_CONTROL_dash_URL",
                    PlatformContainers.MEDIA_SERVER_CONTROL_URL.toString());
        }
        if (fcm != null && service.name().equals(MESSAGING_SERVICE)) {
            env.put("FCM_ENABLED", "true");
            env.put("FCM_ENDPOINT", fcm.endpoint().toString());
            env.put("FCM_PROJECT_dash_ID", fcm.projectId());
            env.put("FCM_CREDENTIALS", fcm.serviceAccount().json());
        }
        env.putAll(settings.environment(service.name()));
        // Every instance is published on a port fixed at creation (kept when the container is
        // replaced or restarts) and registers it in Consul as its host address: how a process on
        // this machine finds it through Consul (a Python client, grpcurl), where the registered
        // address is an alias only the stack's network resolves. The edge's first instance takes
        // the port decided at the start.
        int hostPort = service.edge() && number == 1
                ? gatewayHostPort
                : docker.fixedHostPort(identity.containerName(alias), service.port())
                        .orElseGet(() -> freeHostPortOtherThan(gatewayHostPort));
        env.put(
                "SERVICE_TAGGED_dash_ADDRESSES_" + ConsulHealth.HOST_ADDRESS_TAG.toUpperCase(Locale.ROOT),
                settings.publishedAddress() + ":" + hostPort);
        return new ContainerSpec(
                identity.containerName(alias),
                image.tag(),
                List.of(alias, service.name()),
                env,
                List.of(),
                Map.of(service.port(), hostPort),
                settings.serviceMemoryMib() * MIB,
                identity.labelsWith(Map.of(
                        StackIdentity.ROLE_LABEL, "service",
                        StackIdentity.SERVICE_LABEL, service.name(),
                        StackIdentity.INSTANCE_LABEL, Integer.toString(number))),
                // Not the mail server: a service opens a connection to it per mail, by its alias,
                // so a replaced mail server needs no new service containers. Nor the OpenID Connect
                // provider: auth-service reaches it by its alias, and its issuer keeps its host port.
                // Nor the object store: reached by its alias per request, like the mail server.
                // Nor the media server: streaming-service calls its control API by its alias per
                // request, and its host ports and secret outlive a replaced container.
                List.of(consul.id(), postgres.id(), redis.id()),
                List.of());
    }

    /**
     * A free host port, but none of {@code taken}: those are decided and not bound yet (the
     * gateway's is bound only when its container starts, last).
     */
    private int freeHostPortOtherThan(int... taken) {
        while (true) {
            int port = docker.freeHostPort();
            if (java.util.Arrays.stream(taken).noneMatch(decided -> decided == port)) {
                return port;
            }
        }
    }

    /** A host as it stands in a URL: an IPv6 address in brackets. */
    private static String urlHost(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    private List<String> registrationsAt(String service, String alias) {
        return health.instances(service).stream()
                .filter(i -> i.address().equals(alias))
                .map(ConsulHealth.Instance::id)
                .toList();
    }

    /**
     * A new container takes over the alias of an earlier one. A registration the earlier process
     * left (killed before it could deregister) would otherwise pass, its checks answered by the new
     * container at the same address, before the new process is even up. It is removed before the
     * new container starts; the new process then registers under the same id (the service kit's id
     * is the service, address and port), so what passes afterwards is the new process's own.
     */
    private void dropStaleRegistrations(List<String> earlier) {
        earlier.forEach(health::deregister);
    }

    /** The password the harness gives a service's role: fixed per role, for a local stack only. */
    static String databasePassword(ServiceSpec.Database database) {
        return database.role() + "_pw";
    }

    /**
     * A {@code ./nova up} on a running stack first drops the containers no longer planned (fewer
     * instances, a service left out), stopping them gracefully so they leave Consul.
     */
    private void removeUnplanned() {
        Set<String> planned = new HashSet<>();
        for (String platform : List.of(
                PlatformContainers.CONSUL,
                PlatformContainers.POSTGRES,
                PlatformContainers.REDIS,
                PlatformContainers.MAIL,
                PlatformContainers.OIDC,
                PlatformContainers.OBJECT_STORE)) {
            planned.add(identity.containerName(platform));
        }
        if (fleet.service(STREAMING_SERVICE).isPresent()) {
            planned.add(identity.containerName(PlatformContainers.MEDIA_SERVER));
        }
        for (ServiceSpec service : fleet.services()) {
            for (int number = 1; number <= service.instances(); number++) {
                planned.add(identity.containerName(service.instanceAlias(number)));
            }
        }
        for (var container : docker.containers(identity.labelFilter())) {
            String name = container.getNames()[0].replaceFirst("^/", "");
            if (!planned.contains(name)) {
                docker.stopAndRemove(container.getId());
                progress.report("REMOVED", name + " (no longer planned)");
            }
        }
    }

    // --- waiting -------------------------------------------------------------------------------

    private void awaitReady(Platform platform) {
        switch (platform) {
            case CONSUL -> awaitReady(platform.toString(), consul, () -> health.isReady());
            case POSTGRES -> awaitReady(platform.toString(), postgres, this::postgresAnswers);
            case REDIS -> awaitReady(platform.toString(), redis, this::redisAnswers);
            case MAIL -> awaitReady(platform.toString(), mail, this::mailAnswers);
            case OIDC -> awaitReady(platform.toString(), oidc, this::oidcAnswers);
            case OBJECT_STORE -> awaitReady(platform.toString(), objectStore, this::objectStoreAnswers);
            case MEDIA_SERVER -> awaitReady(platform.toString(), mediaServer, this::mediaServerAnswers);
        }
    }

    private void awaitReady(String what, RunningContainer container, Callable<Boolean> ready) {
        long startedAt = System.nanoTime();
        try {
            await(what + " ready")
                    .atMost(settings.startTimeout())
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL_INTERVAL)
                    .ignoreExceptions()
                    .failFast(container.name() + " stopped", () -> !docker.isRunning(container.id()))
                    .until(ready);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new IllegalStateException(
                    what + " (" + container.name() + ", " + docker.describeState(container.id())
                            + ") did not become ready within " + settings.startTimeout() + ". Last log lines:\n"
                            + indent(docker.logs(container.id(), LOG_LINES_ON_FAILURE)),
                    e);
        }
        progress.report("OK", what + " ready (" + seconds(startedAt) + ")");
    }

    @SuppressFBWarnings(
            value = "DMI_CONSTANT_DB_PASSWORD",
            justification = "the superuser of the stack's own throw-away PostgreSQL container, on loopback")
    private boolean postgresAnswers() throws SQLException {
        try (Connection connection = DriverManager.getConnection(
                jdbcUrl(), PlatformContainers.SUPERUSER, PlatformContainers.SUPERUSER_PASSWORD)) {
            return connection.isValid(JDBC_VALID_TIMEOUT_SECONDS);
        }
    }

    private boolean redisAnswers() {
        try (RedisClient client = RedisClient.create(host, redis.hostPort(PlatformContainers.REDIS_PORT))) {
            return "PONG".equals(client.ping());
        }
    }

    private boolean mailAnswers() {
        return MailContainer.smtpAnswers(host, mail.hostPort(PlatformContainers.MAIL_SMTP_PORT), SMTP_GREETING_TIMEOUT);
    }

    /** S3Proxy is ready when its health endpoint answers 200 at the published port. */
    private boolean objectStoreAnswers() {
        return ObjectStoreContainer.healthy(objectStoreUri(), OBJECT_STORE_REQUEST_TIMEOUT);
    }

    /** The media server is ready when its {@code /healthz} answers 200 at the published HLS port. */
    private boolean mediaServerAnswers() throws IOException, InterruptedException {
        HttpResponse<Void> response = MEDIA_SERVER_HTTP.send(
                HttpRequest.newBuilder(hlsUri().orElseThrow().resolve("/healthz"))
                        .timeout(MEDIA_SERVER_REQUEST_TIMEOUT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200;
    }

    /**
     * Keycloak is ready when the realm's discovery document answers at the public issuer, as a
     * browser reaches it: Docker accepts connections on the published port before Keycloak listens,
     * and Keycloak answers 503 until it has imported the realm.
     */
    private boolean oidcAnswers() throws IOException, InterruptedException {
        HttpResponse<Void> response = OIDC_HTTP.send(
                HttpRequest.newBuilder(OidcRealm.discoveryUri(oidcIssuer()))
                        .timeout(OIDC_REQUEST_TIMEOUT)
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200;
    }

    /**
     * Waits until each of {@code expected} is registered in Consul under its alias with its gRPC and
     * HTTP checks passing; fails at once if one of their containers stops.
     */
    public void awaitPassing(Collection<ServiceInstance> expected) {
        if (expected.isEmpty()) {
            return;
        }
        try {
            await("instances passing in Consul")
                    .atMost(settings.startTimeout())
                    .pollDelay(Duration.ZERO)
                    .pollInterval(POLL_INTERVAL)
                    .ignoreException(UncheckedIOException.class)
                    .failFast(
                            "a container stopped",
                            () -> expected.stream().anyMatch(i -> !docker.isRunning(i.containerId())))
                    .until(() -> notPassing(expected).isEmpty());
        } catch (TerminalFailureException e) {
            throw new IllegalStateException(
                    "An instance stopped before passing its checks in Consul:\n" + diagnose(notPassing(expected)), e);
        } catch (ConditionTimeoutException e) {
            throw new IllegalStateException(
                    "Instances did not pass their checks in Consul within " + settings.startTimeout() + ":\n"
                            + diagnose(notPassing(expected)),
                    e);
        }
    }

    /** The instances among {@code expected} that Consul does not list as passing with both checks. */
    private List<ServiceInstance> notPassing(Collection<ServiceInstance> expected) {
        Map<String, List<ConsulHealth.Instance>> registered = new LinkedHashMap<>();
        List<ServiceInstance> failing = new ArrayList<>();
        for (ServiceInstance instance : expected) {
            List<ConsulHealth.Instance> inConsul = registered.computeIfAbsent(instance.service(), health::instances);
            boolean passing = inConsul.stream()
                    .anyMatch(i -> i.address().equals(instance.alias())
                            && i.port() == instance.port()
                            && i.passing()
                            && i.check("grpc").isPresent()
                            && i.check("http").isPresent());
            if (!passing) {
                failing.add(instance);
            }
        }
        return failing;
    }

    private String diagnose(List<ServiceInstance> failing) {
        StringBuilder report = new StringBuilder();
        for (ServiceInstance instance : failing) {
            String inConsul;
            try {
                inConsul = health.instances(instance.service()).stream()
                        .filter(i -> i.address().equals(instance.alias()))
                        .map(ConsulHealth.Instance::summary)
                        .findFirst()
                        .orElse("not registered");
            } catch (RuntimeException e) {
                inConsul = "Consul unreachable: " + e.getMessage();
            }
            report.append("- ")
                    .append(instance.containerName())
                    .append(" (container ")
                    .append(docker.describeState(instance.containerId()))
                    .append("), in Consul: ")
                    .append(inConsul)
                    .append("\n  last log lines:\n")
                    .append(indent(docker.logs(instance.containerId(), LOG_LINES_ON_FAILURE)));
        }
        return report.toString();
    }

    // --- what tests and the CLI use --------------------------------------------------------------

    /** How this stack was started. */
    public StackSettings settings() {
        return settings;
    }

    /** The services running, with their instance counts. */
    public Fleet fleet() {
        return fleet;
    }

    /** Consul's HTTP API (and UI at {@code /ui}) as this machine reaches it. */
    public URI consulUri() {
        return URI.create("http://" + host + ":" + consul.hostPort(PlatformContainers.CONSUL_PORT));
    }

    /** Consul's view of the fleet. */
    public ConsulHealth consul() {
        return health;
    }

    /** The edge service (api-gateway) as this machine reaches it, if it runs. */
    public Optional<URI> gatewayUri() {
        return fleet.edge()
                .map(edge -> instances(edge.name()).getFirst())
                .map(instance -> URI.create("http://" + instance.hostTarget()));
    }

    /** The running instances of {@code service} (empty if it does not run). */
    public List<ServiceInstance> instances(String service) {
        synchronized (instances) {
            return instances.getOrDefault(service, List.of());
        }
    }

    /** Every running instance, in start order. */
    public List<ServiceInstance> instances() {
        synchronized (instances) {
            return instances.values().stream().flatMap(List::stream).toList();
        }
    }

    /** JDBC URL of the stack's database as this machine reaches it (superuser {@link PlatformContainers#SUPERUSER}). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + postgres.hostPort(PlatformContainers.POSTGRES_PORT) + "/"
                + PlatformContainers.DATABASE;
    }

    /**
     * The FCM double a test stack's messaging-service pushes to (what it received, refusals to
     * inject); empty for a {@code ./nova up} stack, where pushes are off.
     */
    public Optional<FcmDouble> fcm() {
        return Optional.ofNullable(fcm);
    }

    /** {@code redis://host:port} of the stack's Redis as this machine reaches it. */
    public URI redisUri() {
        return URI.create("redis://" + host + ":" + redis.hostPort(PlatformContainers.REDIS_PORT));
    }

    /**
     * {@code smtp://host:port} of the stack's mail server as this machine reaches it: it accepts mail
     * for any address, without authentication.
     */
    public URI mailSmtpUri() {
        return URI.create("smtp://" + host + ":" + mail.hostPort(PlatformContainers.MAIL_SMTP_PORT));
    }

    /**
     * {@code imap://host:port} of the stack's mail server as this machine reaches it: each address's
     * mailbox, logging in with the address as user and password.
     */
    public URI mailImapUri() {
        return URI.create("imap://" + host + ":" + mail.hostPort(PlatformContainers.MAIL_IMAP_PORT));
    }

    /**
     * The S3 endpoint of the stack's object store as this machine reaches it, {@code
     * http://<published host>:<host port>}: path-style requests signed with {@link
     * PlatformContainers#OBJECT_STORE_ACCESS_KEY} / {@link PlatformContainers#OBJECT_STORE_SECRET_KEY}
     * for {@link PlatformContainers#OBJECT_STORE_REGION} ({@link ObjectStoreContainer#client} makes
     * such a client).
     */
    public URI objectStoreUri() {
        return URI.create("http://" + urlHost(host) + ":" + objectStore.hostPort(PlatformContainers.OBJECT_STORE_PORT));
    }

    /**
     * The same store as the stack's services reach it, inside its network: {@link
     * PlatformContainers#OBJECT_STORE_NETWORK_ENDPOINT} ({@code http://objectstore:80}).
     */
    public URI objectStoreNetworkUri() {
        return PlatformContainers.OBJECT_STORE_NETWORK_ENDPOINT;
    }

    /**
     * The RTMP ingest base as broadcasters on this machine reach the media server, {@code
     * rtmp://<published host>:<host port>/live} ({@code STREAMING_INGEST_dash_URL}): a broadcast
     * goes to {@code <this>/<stream id>?key=<stream key>}. Empty where no media server runs.
     */
    public Optional<URI> rtmpIngestUri() {
        return Optional.ofNullable(mediaServer)
                .map(server -> URI.create("rtmp://" + urlHost(host) + ":"
                        + server.hostPort(PlatformContainers.MEDIA_SERVER_RTMP_PORT) + "/"
                        + PlatformContainers.MEDIA_SERVER_APPLICATION));
    }

    /**
     * The HLS base as viewers on this machine reach the media server, {@code
     * http://<published host>:<host port>/hls} ({@code STREAMING_PLAYBACK_dash_URL}): a stream plays
     * from {@code <this>/<stream id>/index.m3u8}. Empty where no media server runs.
     */
    public Optional<URI> hlsUri() {
        return Optional.ofNullable(mediaServer)
                .map(server -> URI.create("http://" + urlHost(host) + ":"
                        + server.hostPort(PlatformContainers.MEDIA_SERVER_HLS_PORT) + "/hls"));
    }

    /**
     * The secret of the media server's callbacks to streaming-service (the path segment after
     * {@link PlatformContainers#MEDIA_SERVER_CALLBACK_PATH}); empty where no media server runs.
     */
    public Optional<String> mediaServerSecret() {
        return Optional.ofNullable(mediaServerSecret);
    }

    /**
     * The issuer of the stack's OpenID Connect provider, {@code http://<published host>:<host
     * port>/realms/nova}: where a browser (or a test's HTTP client) on this machine reaches Keycloak,
     * and the {@code iss} of every token it issues, also to auth-service inside the network.
     */
    public URI oidcIssuer() {
        return OidcRealm.issuer(oidcPublicUrl);
    }

    /**
     * The callbacks auth-service accepts ({@code AUTH_OIDC_REDIRECT_dash_URIS}): the gateway's
     * callback route at the published host and, where that is a name, at the address too ({@code
     * localhost} and {@code 127.0.0.1}). Empty if no gateway runs.
     */
    public List<URI> oidcRedirectUris() {
        if (gatewayHostPort == 0) {
            return List.of();
        }
        return OidcRealm.redirectUris(List.of(host, settings.publishedAddress()), gatewayHostPort);
    }

    /**
     * The gateway's callback at the published host, as {@link #gatewayUri()} names the gateway: the
     * redirect URI a test signs in with.
     *
     * @throws IllegalStateException if no gateway runs
     */
    public URI oidcRedirectUri() {
        return oidcRedirectUris().stream()
                .findFirst()
                .orElseThrow(
                        () -> new IllegalStateException("no gateway runs, so there is no OpenID Connect callback"));
    }

    /** The commit the service images were built with (their Consul meta {@code git-commit}). */
    public String gitCommit() {
        return gitCommit;
    }

    /** How this stack's resources are named and labelled. */
    public StackIdentity identity() {
        return identity;
    }

    /** Stops an instance as {@code docker stop} does: SIGTERM, so it shuts down gracefully. */
    public void stop(ServiceInstance instance) {
        docker.stop(instance.containerId(), STOP_GRACE);
    }

    /**
     * Starts a stopped (or killed) instance again and waits until it passes its checks.
     *
     * @return the instance as it runs now: Docker publishes its port on another host port
     */
    public ServiceInstance restart(ServiceInstance instance) {
        return restart(List.of(instance)).getFirst();
    }

    /**
     * Starts stopped (or killed) instances again, together, and waits until all pass their checks.
     * A killed instance left its registration behind: it is removed first, so that what passes
     * afterwards is the new process's own registration (same id, same alias), not the old one's
     * checks answered by the new process.
     *
     * @return the instances as they run now, in the same order
     */
    public List<ServiceInstance> restart(Collection<ServiceInstance> stopped) {
        List<ServiceInstance> restarted = new ArrayList<>();
        for (ServiceInstance instance : stopped) {
            dropStaleRegistrations(registrationsAt(instance.service(), instance.alias()));
            docker.start(instance.containerId());
            RunningContainer now = docker.current(instance.containerId());
            ServiceInstance current = new ServiceInstance(
                    instance.service(),
                    instance.number(),
                    instance.alias(),
                    instance.port(),
                    instance.containerId(),
                    instance.containerName(),
                    now.hostPort(instance.port()),
                    host);
            replace(current);
            restarted.add(current);
        }
        awaitPassing(restarted);
        return restarted;
    }

    /**
     * A rolling deploy of {@code service}, the way a new version replaces a running one: for each of
     * its instances in turn, a new instance (the next free number) starts from the service's image
     * and must pass its Consul checks; only then is the old one stopped as {@code docker stop} does
     * (SIGTERM: it deregisters, drains and exits) and removed. At every moment at least as many
     * instances pass as before.
     *
     * @param onReplaced called after each old instance was stopped and removed, with it
     * @return the new instances, which now stand for the service
     */
    public List<ServiceInstance> rollingDeploy(
            String service, java.util.function.Consumer<ServiceInstance> onReplaced) {
        ServiceSpec spec =
                fleet.service(service).orElseThrow(() -> new IllegalArgumentException(service + " does not run"));
        ServiceImage image = images.get(service);
        List<ServiceInstance> current = instances(service);
        int next = current.stream().mapToInt(ServiceInstance::number).max().orElse(0) + 1;
        List<ServiceInstance> deployed = new ArrayList<>();
        for (ServiceInstance old : current) {
            ServiceInstance fresh = startInstance(spec, next++, image);
            awaitPassing(List.of(fresh));
            synchronized (instances) {
                List<ServiceInstance> now = new ArrayList<>(instances.get(service));
                now.add(fresh);
                instances.put(service, List.copyOf(now));
            }
            docker.stop(old.containerId(), STOP_GRACE);
            docker.remove(old.containerId());
            synchronized (instances) {
                instances.put(
                        service,
                        instances.get(service).stream()
                                .filter(instance -> !instance.containerId().equals(old.containerId()))
                                .toList());
            }
            progress.report("OK", "deployed " + fresh.alias() + " in place of " + old.alias());
            deployed.add(fresh);
            onReplaced.accept(old);
        }
        return deployed;
    }

    private void replace(ServiceInstance current) {
        synchronized (instances) {
            instances.computeIfPresent(
                    current.service(),
                    (service, list) -> list.stream()
                            .map(instance -> instance.containerId().equals(current.containerId()) ? current : instance)
                            .toList());
        }
    }

    /**
     * Kills an instance as {@code docker kill} does (SIGKILL): it cannot deregister or drain, as
     * when a machine dies. Consul's checks then fail; {@link #restart} brings it back.
     */
    public void kill(ServiceInstance instance) {
        docker.kill(instance.containerId());
    }

    /** Freezes a platform container ({@code docker pause}): connections hang rather than fail. */
    public void pause(Platform platform) {
        docker.pause(running(platform).id());
    }

    /** Undoes {@link #pause}. */
    public void unpause(Platform platform) {
        docker.unpause(running(platform).id());
    }

    /**
     * Restarts a platform container ({@code docker restart}) and waits until it answers again.
     * Consul runs in dev mode and forgets every registration: services must register again by
     * themselves ({@link #awaitPassing} tells when they have). The mail server forgets every mailbox.
     * Keycloak keeps its realm (its database is in the container's file system) and its host port, so
     * its issuer stays the same. The object store keeps its buckets and objects (in the container's
     * file system); its host port may change ({@link #objectStoreUri()}). The media server keeps
     * its host ports (fixed when it was created) and forgets every broadcast (its publishers are
     * disconnected).
     */
    public void restart(Platform platform) {
        stop(platform);
        startAgain(platform);
    }

    /** Stops a platform container ({@code docker stop}) until {@link #startAgain}: an outage. */
    public void stop(Platform platform) {
        docker.stop(running(platform).id(), STOP_GRACE);
    }

    /** Starts a stopped platform container again and waits until it answers (its host ports may change). */
    public void startAgain(Platform platform) {
        String id = running(platform).id();
        docker.start(id);
        RunningContainer now = docker.current(id);
        switch (platform) {
            case CONSUL -> {
                consul = now;
                health = new ConsulHealth(consulUri(), CONSUL_REQUEST_TIMEOUT);
            }
            case POSTGRES -> postgres = now;
            case REDIS -> redis = now;
            case MAIL -> mail = now;
            case OIDC -> oidc = now;
            case OBJECT_STORE -> objectStore = now;
            case MEDIA_SERVER -> mediaServer = now;
        }
        awaitReady(platform);
    }

    /** The platform's container; null for the media server where streaming-service does not run. */
    private RunningContainer container(Platform platform) {
        return switch (platform) {
            case CONSUL -> consul;
            case POSTGRES -> postgres;
            case REDIS -> redis;
            case MAIL -> mail;
            case OIDC -> oidc;
            case OBJECT_STORE -> objectStore;
            case MEDIA_SERVER -> mediaServer;
        };
    }

    private RunningContainer running(Platform platform) {
        RunningContainer container = container(platform);
        if (container == null) {
            throw new IllegalStateException(
                    platform + " does not run in this stack (it runs only with streaming-service)");
        }
        return container;
    }

    /** The stack's services, instances and their health in Consul, as {@code ./nova status} shows them. */
    public StackStatus status() {
        return StackStatus.read(docker, identity, fleet, host);
    }

    /**
     * Where each service's instances publish the exact latency of their outgoing gRPC calls
     * ({@link RpcEdgeLatencies#PATH}), reachable from this machine.
     */
    public Map<String, List<URI>> rpcLatencyEndpoints() {
        return instanceEndpoints(RpcEdgeLatencies.PATH);
    }

    /** Where each service's instances list their recent garbage-collection pauses ({@link SlowCalls#PAUSES_PATH}). */
    public Map<String, List<URI>> jvmPauseEndpoints() {
        return instanceEndpoints(SlowCalls.PAUSES_PATH);
    }

    /** Each service's instances' Prometheus metrics ({@code /observe/metrics}), reachable from this machine. */
    public Map<String, List<URI>> metricsEndpoints() {
        return instanceEndpoints("/observe/metrics");
    }

    private Map<String, List<URI>> instanceEndpoints(String path) {
        Map<String, List<URI>> endpoints = new LinkedHashMap<>();
        Map<String, List<ServiceInstance>> running;
        synchronized (instances) {
            running = new LinkedHashMap<>(instances);
        }
        running.forEach((service, list) -> endpoints.put(
                service,
                list.stream()
                        .map(instance -> URI.create("http://" + instance.hostTarget() + path))
                        .toList()));
        return endpoints;
    }

    /** Memory the instance's container uses now, as {@code docker stats} shows it. */
    public long memoryInUse(ServiceInstance instance) {
        return docker.memoryInUse(instance.containerId());
    }

    /** The memory limit of a service container, in bytes. */
    public long serviceMemoryLimit() {
        return settings.serviceMemoryMib() * 1024L * 1024L;
    }

    /**
     * How Docker sees an instance's container.
     *
     * @param restarts how often Docker restarted it
     */
    public record ContainerState(boolean running, boolean oomKilled, int restarts) {}

    public ContainerState state(ServiceInstance instance) {
        var inspected = docker.inspect(instance.containerId())
                .orElseThrow(() -> new IllegalStateException(instance.containerName() + " is gone"));
        var state = inspected.getState();
        return new ContainerState(
                Boolean.TRUE.equals(state.getRunning()),
                Boolean.TRUE.equals(state.getOOMKilled()),
                inspected.getRestartCount() == null ? 0 : inspected.getRestartCount());
    }

    /** Whether the instance's container runs. */
    public boolean isRunning(ServiceInstance instance) {
        return docker.isRunning(instance.containerId());
    }

    /** How a one-off container of {@link #runToCompletion} ended. */
    public record Completed(int exitCode, String output) {}

    /**
     * Runs a one-off container on the stack's network, where every service answers at its name
     * ({@code auth-service:8084}), waits until it exits, and removes it whatever happened.
     *
     * @param name    its name in the stack ({@code nova-it-<id>-<name>}) and its alias on the network
     * @param image   an image present on the engine
     * @param env     its environment (secrets go here rather than on its command line)
     * @param command its arguments (the image's entrypoint stays)
     * @return its exit code and everything it wrote (stdout and stderr)
     * @throws IllegalStateException if it does not exit within {@code timeout}, with its last log lines
     */
    public Completed runToCompletion(
            String name, String image, Map<String, String> env, List<String> command, Duration timeout) {
        ContainerSpec spec = new ContainerSpec(
                identity.containerName(name),
                image,
                List.of(name),
                env,
                command,
                Map.of(),
                0,
                identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, "client")),
                List.of(),
                List.of());
        RunningContainer container = docker.run(identity.networkName(), spec);
        try (var waiting = docker.client().waitContainerCmd(container.id()).exec(new WaitContainerResultCallback())) {
            int exitCode = waiting.awaitStatusCode(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Completed(exitCode, docker.logs(container.id()));
        } catch (DockerClientException notExited) {
            throw new IllegalStateException(
                    container.name() + " (" + image + ", " + docker.describeState(container.id())
                            + ") did not exit within " + timeout + ": " + notExited.getMessage() + ". Last log lines:\n"
                            + indent(docker.logs(container.id(), LOG_LINES_ON_FAILURE)),
                    notExited);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot stop waiting for " + container.name(), e);
        } finally {
            docker.remove(container.id());
        }
    }

    /**
     * Removes the stack's containers and network. A test stack first saves each service container's
     * log, and the OpenID Connect provider's, to {@link StackSettings#logDirectory()} (when set), for
     * reading after a failed run.
     */
    @Override
    public void close() {
        settings.logDirectory().ifPresent(this::saveLogs);
        int removed = docker.removeAll(identity.labelFilter());
        if (fcm != null) {
            fcm.close();
        }
        LOG.log(System.Logger.Level.INFO, "removed stack {0} ({1} containers)", identity.networkName(), removed);
    }

    private void saveLogs(Path directory) {
        try {
            Files.createDirectories(directory);
            for (ServiceInstance instance : instances()) {
                Files.writeString(directory.resolve(instance.alias() + ".log"), docker.logs(instance.containerId()));
            }
            // Keycloak logs each refused sign-in with its reason (type="LOGIN_ERROR", error=...).
            RunningContainer provider = oidc;
            if (provider != null) {
                Files.writeString(directory.resolve(PlatformContainers.OIDC + ".log"), docker.logs(provider.id()));
            }
            // nginx logs each callback that failed (streaming-service unreachable, a bad answer).
            RunningContainer media = mediaServer;
            if (media != null) {
                Files.writeString(directory.resolve(PlatformContainers.MEDIA_SERVER + ".log"), docker.logs(media.id()));
            }
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot save service logs to " + directory, e);
        }
    }

    private static String seconds(long startedAtNanos) {
        return String.format(java.util.Locale.ROOT, "%.1f s", (System.nanoTime() - startedAtNanos) / 1e9);
    }

    private static String indent(String text) {
        return text.lines().map(line -> "    " + line).collect(Collectors.joining("\n")) + "\n";
    }
}
