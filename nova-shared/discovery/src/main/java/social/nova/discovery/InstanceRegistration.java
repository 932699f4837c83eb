package social.nova.discovery;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * What one running instance tells Consul about itself: identity, where to dial it, tags and
 * meta, and where the agent should probe its health. Built with {@link #builder(String)};
 * every value is checked against Consul's own rules so a mistake fails at start-up with a
 * precise message instead of as an HTTP 400 from the agent.
 *
 * @param serviceName       logical service name (a DNS label), e.g. {@code auth-service}
 * @param instanceId        unique Consul service id, by default {@code <serviceName>-<8 hex digits>}
 * @param address           host or IP other instances dial (never a wildcard such as 0.0.0.0)
 * @param port              the port serving gRPC (and, in Nova, HTTP too)
 * @param tags              Consul tags
 * @param meta              Consul meta; see {@link InstanceMeta} for the keys Nova always sets
 * @param taggedAddresses   other addresses the instance is reached at, by Consul's tagged-address
 *                          key; Nova uses {@value #HOST_ADDRESS_TAG} for the address a process on
 *                          the Docker host dials (a published port) where {@code address} is a
 *                          name only the stack's network resolves
 * @param grpcHealthService service name asked in the grpc.health.v1 check, by default the service name
 * @param readinessUrl      URL of the HTTP readiness check, by default
 *                          {@code http://address:port/observe/health/ready}
 */
public record InstanceRegistration(
        String serviceName,
        String instanceId,
        String address,
        int port,
        List<String> tags,
        Map<String, String> meta,
        Map<String, TaggedAddress> taggedAddresses,
        String grpcHealthService,
        URI readinessUrl) {

    /**
     * The tagged address for callers outside the network the instance registered its
     * {@code address} on (Consul's own name for "the address seen from elsewhere"; Consul's DNS
     * answers it to other datacenters). In a Nova stack that is the Docker host.
     */
    public static final String HOST_ADDRESS_TAG = "wan";

    /** Where Helidon's observe feature serves readiness in every Nova service. */
    public static final String DEFAULT_READINESS_PATH = "/observe/health/ready";

    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final Pattern TAGGED_ADDRESS_KEY = Pattern.compile("[a-z0-9_]{1,64}");
    private static final Pattern META_KEY = Pattern.compile("[A-Za-z0-9_-]{1,128}");
    // Consul's limits for service meta (agent/structs: metaKeyMaxLength and friends).
    private static final int META_MAX_PAIRS = 64;
    private static final int META_VALUE_MAX_LENGTH = 512;
    private static final String META_RESERVED_PREFIX = "consul-";
    private static final int MAX_PORT = 65535;

    public InstanceRegistration {
        Objects.requireNonNull(serviceName, "serviceName");
        if (!SERVICE_NAME.matcher(serviceName).matches()) {
            throw new IllegalArgumentException("service name '" + serviceName + "' must be a DNS label: lowercase "
                    + "letters, digits and '-', 1 to 63 characters, not starting or ending with '-'");
        }
        Objects.requireNonNull(instanceId, "instanceId");
        if (!INSTANCE_ID.matcher(instanceId).matches()) {
            throw new IllegalArgumentException(
                    "instance id '" + instanceId + "' must be 1 to 128 letters, digits, '.', '_', ':' or '-'");
        }
        address = checkAddress(address);
        if (port < 1 || port > MAX_PORT) {
            throw new IllegalArgumentException("port of " + instanceId + " must be 1.." + MAX_PORT + ", was " + port);
        }
        tags = List.copyOf(tags);
        for (String tag : tags) {
            if (tag.isBlank()) {
                throw new IllegalArgumentException("tags of " + instanceId + " must not be blank: " + tags);
            }
        }
        meta = checkMeta(meta);
        taggedAddresses = checkTaggedAddresses(taggedAddresses);
        Objects.requireNonNull(grpcHealthService, "grpcHealthService");
        Objects.requireNonNull(readinessUrl, "readinessUrl");
        if (!readinessUrl.isAbsolute()
                || readinessUrl.getHost() == null
                || !("http".equals(readinessUrl.getScheme()) || "https".equals(readinessUrl.getScheme()))) {
            throw new IllegalArgumentException(
                    "readiness URL must be an absolute http(s) URL with a host, was '" + readinessUrl + "'");
        }
    }

    /** Starts a registration of one instance of {@code serviceName}. */
    public static Builder builder(String serviceName) {
        return new Builder(serviceName);
    }

    /** {@code address:port} (IPv6 in brackets), as the gRPC check and callers dial it. */
    public String authority() {
        return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
    }

    /** The {@code GRPC} field of the check: {@code address:port/<grpc health service>}. */
    public String grpcCheckTarget() {
        return authority() + "/" + grpcHealthService;
    }

    /** The instance as discovery reports it once healthy. */
    public ServiceInstance toServiceInstance() {
        return new ServiceInstance(instanceId, serviceName, address, port, tags, meta);
    }

    private static String checkAddress(String address) {
        Objects.requireNonNull(address, "address (set it with .address(host or IP) before build())");
        String bare = address.strip();
        if (bare.startsWith("[") && bare.endsWith("]")) {
            bare = bare.substring(1, bare.length() - 1);
        }
        if (bare.isEmpty() || bare.contains("/") || bare.contains(" ")) {
            throw new IllegalArgumentException(
                    "address must be a host name or IP without scheme, port or path, was '" + address + "'");
        }
        if (bare.equals("0.0.0.0") || bare.equals("::") || bare.equals("0:0:0:0:0:0:0:0")) {
            throw new IllegalArgumentException("address " + address + " is a wildcard that nobody can dial: "
                    + "register the address other instances reach this one at");
        }
        return bare;
    }

    private static Map<String, TaggedAddress> checkTaggedAddresses(Map<String, TaggedAddress> tagged) {
        tagged.forEach((key, value) -> {
            if (key == null || !TAGGED_ADDRESS_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(
                        "tagged address key '" + key
                                + "' must be 1 to 64 lowercase letters, digits or '_' (Consul's own: lan, lan_ipv4, wan, wan_ipv4)");
            }
            Objects.requireNonNull(value, "tagged address " + key);
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(tagged));
    }

    private static Map<String, String> checkMeta(Map<String, String> meta) {
        if (meta.size() > META_MAX_PAIRS) {
            throw new IllegalArgumentException(
                    "Consul allows at most " + META_MAX_PAIRS + " meta pairs, got " + meta.size());
        }
        meta.forEach((key, value) -> {
            if (key == null || !META_KEY.matcher(key).matches()) {
                throw new IllegalArgumentException(
                        "meta key '" + key + "' must be 1 to 128 letters, digits, '-' or '_'");
            }
            if (key.startsWith(META_RESERVED_PREFIX)) {
                throw new IllegalArgumentException(
                        "meta key '" + key + "' uses the prefix '" + META_RESERVED_PREFIX + "' that Consul reserves");
            }
            if (value == null || value.length() > META_VALUE_MAX_LENGTH) {
                throw new IllegalArgumentException("meta value of '" + key + "' must be present and at most "
                        + META_VALUE_MAX_LENGTH + " characters");
            }
        });
        return Collections.unmodifiableMap(new LinkedHashMap<>(meta));
    }

    /** Builds an {@link InstanceRegistration}; {@link #address} and {@link #port} are required. */
    public static final class Builder {
        private final String serviceName;
        private String instanceId;
        private String address;
        private int port;
        private final List<String> tags = new ArrayList<>();
        private final Map<String, String> meta = new LinkedHashMap<>();
        private final Map<String, TaggedAddress> taggedAddresses = new LinkedHashMap<>();
        private String grpcHealthService;
        private String readinessPath = DEFAULT_READINESS_PATH;
        private URI readinessUrl;

        private Builder(String serviceName) {
            this.serviceName = Objects.requireNonNull(serviceName, "serviceName");
        }

        /** Overrides the generated {@code <serviceName>-<8 hex digits>} id. */
        public Builder instanceId(String instanceId) {
            this.instanceId = instanceId;
            return this;
        }

        public Builder address(String address) {
            this.address = address;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder tag(String tag) {
            tags.add(Objects.requireNonNull(tag, "tag"));
            return this;
        }

        public Builder tags(List<String> tags) {
            tags.forEach(this::tag);
            return this;
        }

        /** Any meta pair; Nova's standard ones have their own methods below. */
        public Builder meta(String key, String value) {
            meta.put(key, value);
            return this;
        }

        /** Another address the instance is reached at, under Consul's tagged-address {@code key}. */
        public Builder taggedAddress(String key, TaggedAddress address) {
            taggedAddresses.put(key, Objects.requireNonNull(address, "address"));
            return this;
        }

        public Builder version(String version) {
            return meta(InstanceMeta.VERSION, version);
        }

        public Builder gitCommit(String gitCommit) {
            return meta(InstanceMeta.GIT_COMMIT, gitCommit);
        }

        public Builder protoPackage(String protoPackage) {
            return meta(InstanceMeta.PROTO_PACKAGE, protoPackage);
        }

        public Builder owner(String owner) {
            return meta(InstanceMeta.OWNER, owner);
        }

        /** The name the gRPC check asks grpc.health.v1 about; {@code ""} means the whole server. */
        public Builder grpcHealthService(String grpcHealthService) {
            this.grpcHealthService = grpcHealthService;
            return this;
        }

        /** Path of the readiness endpoint on {@code address:port}; default {@value #DEFAULT_READINESS_PATH}. */
        public Builder readinessPath(String readinessPath) {
            Objects.requireNonNull(readinessPath, "readinessPath");
            if (!readinessPath.startsWith("/")) {
                throw new IllegalArgumentException("readiness path must start with '/', was '" + readinessPath + "'");
            }
            this.readinessPath = readinessPath;
            return this;
        }

        /** A full readiness URL, for instances serving HTTP on another port or host. */
        public Builder readinessUrl(URI readinessUrl) {
            this.readinessUrl = readinessUrl;
            return this;
        }

        public InstanceRegistration build() {
            String id = instanceId != null ? instanceId : serviceName + "-" + randomSuffix();
            String healthService = grpcHealthService != null ? grpcHealthService : serviceName;
            URI readiness = readinessUrl != null ? readinessUrl : defaultReadinessUrl();
            return new InstanceRegistration(
                    serviceName, id, address, port, tags, meta, taggedAddresses, healthService, readiness);
        }

        private URI defaultReadinessUrl() {
            String bare = checkAddress(address);
            String host = bare.contains(":") ? "[" + bare + "]" : bare;
            return URI.create("http://" + host + ":" + port + readinessPath);
        }

        private static String randomSuffix() {
            return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        }
    }

    /**
     * One tagged address: a host (name or IP) and a port, as Consul stores it.
     *
     * @param address host name or IP, without scheme or port
     * @param port    1..65535
     */
    public record TaggedAddress(String address, int port) {
        public TaggedAddress {
            address = checkAddress(address);
            if (port < 1 || port > MAX_PORT) {
                throw new IllegalArgumentException("tagged address port must be 1.." + MAX_PORT + ", was " + port);
            }
        }

        /** Reads {@code host:port} ({@code [v6]:port} for IPv6). */
        public static TaggedAddress parse(String hostAndPort) {
            Objects.requireNonNull(hostAndPort, "hostAndPort");
            int colon = hostAndPort.lastIndexOf(':');
            if (colon <= 0 || colon == hostAndPort.length() - 1) {
                throw new IllegalArgumentException("address '" + hostAndPort + "' must be host:port");
            }
            int port;
            try {
                port = Integer.parseInt(hostAndPort.substring(colon + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("address '" + hostAndPort + "' must end in a numeric port", e);
            }
            return new TaggedAddress(hostAndPort.substring(0, colon), port);
        }
    }
}
