package social.nova.harness;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.ContainerPort;

/**
 * What runs in a stack and how Consul sees it, read from Docker (the stack's containers, by label)
 * and from Consul's HTTP API: works from any JVM, so {@code ./nova status} needs no state of its own.
 */
public final class StackStatus {
    private static final Duration CONSUL_REQUEST_TIMEOUT = Duration.ofSeconds(5);
    private static final String RUNNING = "running";
    private static final String OBJECT_STORE_LINK = "Object store";
    private static final String RTMP_INGEST_LINK = "RTMP ingest";
    private static final String HLS_LINK = "HLS";

    /** One instance: its address in the network, its published host port, and its health in Consul. */
    public record InstanceRow(String address, String hostTarget, String health, boolean passing) {}

    /** One service and its instances. */
    public record ServiceRow(String service, List<InstanceRow> instances) {
        public long passing() {
            return instances.stream().filter(InstanceRow::passing).count();
        }
    }

    private final List<ServiceRow> services;
    private final Map<String, String> links;
    private final boolean up;

    private StackStatus(List<ServiceRow> services, Map<String, String> links, boolean up) {
        this.services = List.copyOf(services);
        this.links = links;
        this.up = up;
    }

    /**
     * Reads the stack named by {@code identity}.
     *
     * @param fleet tells which service is the edge (its URL is listed as "Gateway")
     * @param host  the address published ports are reached at (e.g. {@code localhost})
     */
    public static StackStatus read(StackDocker docker, StackIdentity identity, Fleet fleet, String host) {
        List<Container> containers = docker.containers(identity.labelFilter());
        Optional<Container> consul =
                withRole(containers, PlatformContainers.CONSUL).findFirst();
        if (consul.isEmpty() || !RUNNING.equals(consul.get().getState())) {
            return new StackStatus(List.of(), new LinkedHashMap<>(), false);
        }
        URI consulUri = URI.create("http://" + host + ":"
                + hostPort(consul.get(), PlatformContainers.CONSUL_PORT).orElseThrow());
        ConsulHealth health = new ConsulHealth(consulUri, CONSUL_REQUEST_TIMEOUT);

        List<String> fleetOrder =
                fleet.services().stream().map(ServiceSpec::name).toList();
        Map<String, List<Container>> byService = new TreeMap<>(Comparator.comparingInt(
                        (String name) -> fleetOrder.contains(name) ? fleetOrder.indexOf(name) : fleetOrder.size())
                .thenComparing(Comparator.naturalOrder()));
        withRole(containers, "service")
                .forEach(container -> byService
                        .computeIfAbsent(container.getLabels().get(StackIdentity.SERVICE_LABEL), k -> new ArrayList<>())
                        .add(container));
        List<ServiceRow> rows = new ArrayList<>();
        byService.forEach((service, serviceContainers) -> rows.add(row(service, serviceContainers, health, host)));
        return new StackStatus(rows, links(containers, consulUri, rows, fleet, host), true);
    }

    /** A service's instances: each container joined with what Consul says at its alias. */
    private static ServiceRow row(String service, List<Container> containers, ConsulHealth health, String host) {
        List<ConsulHealth.Instance> registered;
        String unreachable = null;
        try {
            registered = health.instances(service);
        } catch (RuntimeException e) {
            registered = List.of();
            unreachable = "Consul unreachable: " + e.getMessage();
        }
        List<InstanceRow> instances = new ArrayList<>();
        containers.sort(Comparator.comparingInt(StackStatus::instanceNumber));
        for (Container container : containers) {
            String alias = service + "-" + instanceNumber(container);
            Optional<ContainerPort> port = publishedPorts(container).findFirst();
            // A restarted instance registers anew; an old, critical registration may linger.
            List<ConsulHealth.Instance> atAlias =
                    registered.stream().filter(i -> i.address().equals(alias)).toList();
            Optional<ConsulHealth.Instance> inConsul = atAlias.stream()
                    .filter(ConsulHealth.Instance::passing)
                    .findFirst()
                    .or(() -> atAlias.stream().findFirst());
            String stopped = RUNNING.equals(container.getState()) ? null : "container " + container.getState();
            String seen = stopped != null
                    ? stopped
                    : unreachable != null
                            ? unreachable
                            : inConsul.map(ConsulHealth.Instance::summary).orElse("not registered in Consul");
            instances.add(new InstanceRow(
                    alias + port.map(p -> ":" + p.getPrivatePort()).orElse(""),
                    port.map(p -> host + ":" + p.getPublicPort()).orElse("-"),
                    seen,
                    stopped == null
                            && inConsul.map(ConsulHealth.Instance::passing).orElse(false)));
        }
        return new ServiceRow(service, instances);
    }

    /** What to open, by label. */
    private static Map<String, String> links(
            List<Container> containers, URI consulUri, List<ServiceRow> rows, Fleet fleet, String host) {
        Map<String, String> links = new LinkedHashMap<>();
        links.put("Consul UI", consulUri.resolve("/ui/").toString());
        rows.stream()
                .findFirst()
                .ifPresent(first -> links.put(
                        "Consul API",
                        consulUri
                                .resolve("/v1/health/service/" + first.service() + "?passing")
                                .toString()));
        Optional<String> edge = fleet.edge().map(ServiceSpec::name);
        withRole(containers, "service")
                .filter(c -> edge.isPresent() && edge.get().equals(c.getLabels().get(StackIdentity.SERVICE_LABEL)))
                .min(Comparator.comparingInt(StackStatus::instanceNumber))
                .flatMap(c -> publishedPorts(c).findFirst())
                .ifPresent(port -> links.put("Gateway", "http://" + host + ":" + port.getPublicPort() + "/"));
        withRole(containers, PlatformContainers.POSTGRES)
                .findFirst()
                .flatMap(c -> hostPort(c, PlatformContainers.POSTGRES_PORT))
                .ifPresent(port -> links.put(
                        "PostgreSQL",
                        "jdbc:postgresql://" + host + ":" + port + "/"
                                + PlatformContainers.DATABASE + "  (superuser " + PlatformContainers.SUPERUSER + " / "
                                + PlatformContainers.SUPERUSER_PASSWORD
                                + "; each service's role: <role> / <role>_pw)"));
        withRole(containers, PlatformContainers.REDIS)
                .findFirst()
                .flatMap(c -> hostPort(c, PlatformContainers.REDIS_PORT))
                .ifPresent(port -> links.put("Redis", "redis://" + host + ":" + port));
        withRole(containers, PlatformContainers.MAIL).findFirst().ifPresent(mail -> {
            hostPort(mail, PlatformContainers.MAIL_SMTP_PORT)
                    .ifPresent(port -> links.put(
                            "Mail SMTP",
                            "smtp://" + host + ":" + port + "  (GreenMail: accepts mail for any address)"));
            hostPort(mail, PlatformContainers.MAIL_IMAP_PORT)
                    .ifPresent(port -> links.put(
                            "Mail IMAP", "imap://" + host + ":" + port + "  (user and password: the address)"));
        });
        withRole(containers, PlatformContainers.OIDC)
                .findFirst()
                .flatMap(c -> hostPort(c, PlatformContainers.OIDC_PORT))
                .ifPresent(port -> {
                    URI publicUrl = URI.create("http://" + host + ":" + port);
                    links.put(
                            "OIDC issuer",
                            OidcRealm.issuer(publicUrl) + "  (Keycloak; client " + OidcRealm.CLIENT_ID + " / "
                                    + OidcRealm.CLIENT_SECRET + ")");
                    links.put(
                            "OIDC users",
                            OidcRealm.USERS.stream()
                                    .map(user -> user.username() + " / " + user.password()
                                            + (user.emailVerified() ? "" : " (email not verified)"))
                                    .collect(Collectors.joining(", ")));
                    links.put(
                            "OIDC admin",
                            publicUrl.resolve("/admin/") + "  (" + PlatformContainers.OIDC_ADMIN + " / "
                                    + PlatformContainers.OIDC_ADMIN_PASSWORD + ")");
                });
        withRole(containers, PlatformContainers.OBJECT_STORE)
                .findFirst()
                .flatMap(c -> hostPort(c, PlatformContainers.OBJECT_STORE_PORT))
                .ifPresent(port -> links.put(
                        OBJECT_STORE_LINK,
                        "http://" + host + ":" + port + "  (S3Proxy, path-style, region "
                                + PlatformContainers.OBJECT_STORE_REGION + "; access key "
                                + PlatformContainers.OBJECT_STORE_ACCESS_KEY + " / secret key "
                                + PlatformContainers.OBJECT_STORE_SECRET_KEY + "; in the network "
                                + PlatformContainers.OBJECT_STORE_NETWORK_ENDPOINT + ")"));
        withRole(containers, PlatformContainers.MEDIA_SERVER).findFirst().ifPresent(media -> {
            hostPort(media, PlatformContainers.MEDIA_SERVER_RTMP_PORT)
                    .ifPresent(port -> links.put(
                            RTMP_INGEST_LINK,
                            "rtmp://" + host + ":" + port + "/" + PlatformContainers.MEDIA_SERVER_APPLICATION
                                    + "  (broadcast to <this>/<stream id>?key=<stream key>, from streaming-service)"));
            hostPort(media, PlatformContainers.MEDIA_SERVER_HLS_PORT)
                    .ifPresent(port -> links.put(
                            HLS_LINK, "http://" + host + ":" + port + "/hls  (watch <this>/<stream id>/index.m3u8)"));
        });
        return links;
    }

    /** The RTMP ingest base of the stack's media server as this machine reaches it, if it runs. */
    public Optional<URI> rtmpIngestUri() {
        return Optional.ofNullable(links().get(RTMP_INGEST_LINK)).map(link -> URI.create(link.split("\\s+", 2)[0]));
    }

    /** The HLS base of the stack's media server as this machine reaches it, if it runs. */
    public Optional<URI> hlsUri() {
        return Optional.ofNullable(links().get(HLS_LINK)).map(link -> URI.create(link.split("\\s+", 2)[0]));
    }

    /** The stack's Redis as this machine reaches it ({@code redis://host:port}), if it runs. */
    public Optional<URI> redisUri() {
        return Optional.ofNullable(links().get("Redis")).map(URI::create);
    }

    /** The S3 endpoint of the stack's object store as this machine reaches it, if it runs. */
    public Optional<URI> objectStoreUri() {
        // The link reads "<endpoint>  (S3Proxy, ...)".
        return Optional.ofNullable(links().get(OBJECT_STORE_LINK)).map(link -> URI.create(link.split("\\s+", 2)[0]));
    }

    /** The JDBC URL of the stack's PostgreSQL as this machine reaches it, if it runs. */
    public Optional<String> postgresJdbcUrl() {
        // The link reads "<jdbc url>  (superuser ...)".
        return Optional.ofNullable(links().get("PostgreSQL")).map(link -> link.split("\\s+", 2)[0]);
    }

    /** Whether the stack's Consul runs. */
    public boolean isUp() {
        return up;
    }

    /** Whether every instance of every service passes in Consul. */
    public boolean allPassing() {
        return up
                && services.stream()
                        .allMatch(row -> row.passing() == row.instances().size());
    }

    public List<ServiceRow> services() {
        return services;
    }

    /** What to open: label to URL. */
    public Map<String, String> links() {
        return Map.copyOf(links);
    }

    /** The table and the links, as {@code ./nova up} and {@code ./nova status} print them. */
    public String render() {
        if (!up) {
            return "No Nova stack is up (./nova up starts one).\n";
        }
        List<String[]> lines = new ArrayList<>();
        lines.add(new String[] {"SERVICE", "INSTANCES", "ADDRESS", "HOST PORT", "HEALTH"});
        for (ServiceRow row : services) {
            boolean first = true;
            for (InstanceRow instance : row.instances()) {
                lines.add(new String[] {
                    first ? row.service() : "",
                    first ? row.passing() + "/" + row.instances().size() : "",
                    instance.address(),
                    instance.hostTarget(),
                    instance.health()
                });
                first = false;
            }
        }
        int[] widths = new int[4];
        for (String[] line : lines) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], line[column].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] line : lines) {
            for (int column = 0; column < widths.length; column++) {
                text.append(String.format("%-" + (widths[column] + 2) + "s", line[column]));
            }
            text.append(line[4]).append('\n');
        }
        if (services.isEmpty()) {
            text.append("(no services: none is built yet)\n");
        }
        long passing = services.stream().mapToLong(ServiceRow::passing).sum();
        long total = services.stream().mapToLong(row -> row.instances().size()).sum();
        text.append('\n').append(passing).append('/').append(total).append(" instances passing\n\n");
        int labelWidth = links.keySet().stream().mapToInt(String::length).max().orElse(0) + 2;
        links.forEach((label, url) -> text.append(String.format("%-" + labelWidth + "s", label))
                .append(url)
                .append('\n'));
        return text.toString();
    }

    private static java.util.stream.Stream<Container> withRole(List<Container> containers, String role) {
        return containers.stream().filter(c -> role.equals(c.getLabels().get(StackIdentity.ROLE_LABEL)));
    }

    private static int instanceNumber(Container container) {
        try {
            return Integer.parseInt(container.getLabels().getOrDefault(StackIdentity.INSTANCE_LABEL, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Optional<Integer> hostPort(Container container, int containerPort) {
        return publishedPorts(container)
                .filter(p -> Integer.valueOf(containerPort).equals(p.getPrivatePort()))
                .map(ContainerPort::getPublicPort)
                .findFirst();
    }

    private static java.util.stream.Stream<ContainerPort> publishedPorts(Container container) {
        return Optional.ofNullable(container.getPorts()).stream()
                .flatMap(java.util.Arrays::stream)
                .filter(p -> p.getPublicPort() != null);
    }
}
