package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What Consul's own HTTP API says about the fleet: which instances are registered and how their
 * checks (run by the agent itself) stand. It changes nothing, except for removing registrations
 * that an instance killed without a graceful shutdown left behind ({@link #deregister}).
 */
public final class ConsulHealth {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Consul registers itself as a service; it is not part of the fleet. */
    private static final String CONSUL_SELF = "consul";

    private static final String PASSING = "passing";

    private final URI consul;
    private final Duration requestTimeout;
    private final HttpClient http;

    public ConsulHealth(URI consul, Duration requestTimeout) {
        this.consul = consul;
        this.requestTimeout = requestTimeout;
        this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /** One check of an instance (or of its node) as Consul reports it. */
    public record Check(String id, String type, String status, String output, boolean ofNode) {
        public boolean passing() {
            return PASSING.equals(status);
        }
    }

    /**
     * The tagged address under which every Nova instance registers how this machine reaches it (a
     * published port); nova-discovery's {@code InstanceRegistration.HOST_ADDRESS_TAG}.
     */
    public static final String HOST_ADDRESS_TAG = "wan";

    /**
     * One registered instance with its checks.
     *
     * @param taggedAddresses Consul's tagged addresses, key to {@code host:port}
     */
    public record Instance(
            String id,
            String service,
            String address,
            int port,
            List<String> tags,
            Map<String, String> meta,
            Map<String, String> taggedAddresses,
            List<Check> checks) {
        public Instance {
            tags = List.copyOf(tags);
            meta = Map.copyOf(meta);
            taggedAddresses = Map.copyOf(taggedAddresses);
            checks = List.copyOf(checks);
        }

        /** {@code host:port} at which this machine reaches the instance, as it registered it. */
        public Optional<String> hostAddress() {
            return Optional.ofNullable(taggedAddresses.get(HOST_ADDRESS_TAG));
        }

        /** Passing as Consul's {@code ?passing} filter sees it: every check, the node's included, passes. */
        public boolean passing() {
            return !checks.isEmpty() && checks.stream().allMatch(Check::passing);
        }

        /** The instance's own checks (not the node's). */
        public List<Check> serviceChecks() {
            return checks.stream().filter(check -> !check.ofNode()).toList();
        }

        /** The instance's check of the given type ({@code grpc}, {@code http}). */
        public Optional<Check> check(String type) {
            return serviceChecks().stream()
                    .filter(check -> type.equals(check.type()))
                    .findFirst();
        }

        /** {@code address:port} as callers dial it. */
        public String target() {
            return address + ":" + port;
        }

        /** "passing", or each failing check with its output, shortened for a table. */
        public String summary() {
            if (passing()) {
                return "passing ("
                        + String.join(
                                ", ", serviceChecks().stream().map(Check::type).toList()) + ")";
            }
            List<String> failing = new ArrayList<>();
            for (Check check : checks) {
                if (!check.passing()) {
                    String output = check.output().strip().replaceAll("\\s+", " ");
                    failing.add((check.type().isEmpty() ? check.id() : check.type()) + " " + check.status()
                            + (output.isEmpty() ? "" : ": " + output));
                }
            }
            return String.join("; ", failing);
        }
    }

    /** Whether the agent has a leader, i.e. accepts registrations. */
    public boolean isReady() {
        try {
            String leader = get("/v1/status/leader").asText("");
            return !leader.isBlank();
        } catch (UncheckedIOException notYet) {
            return false;
        }
    }

    /** Names of the registered services, Consul itself left out, in name order. */
    public List<String> services() {
        List<String> names = new ArrayList<>();
        get("/v1/catalog/services").properties().forEach(field -> names.add(field.getKey()));
        return names.stream().filter(name -> !CONSUL_SELF.equals(name)).sorted().toList();
    }

    /** Every registered instance of {@code service}, passing or not. */
    public List<Instance> instances(String service) {
        return instancesAt("/v1/health/service/" + URLEncoder.encode(service, StandardCharsets.UTF_8));
    }

    /** The instances Consul's own {@code ?passing} filter returns: what callers discover. */
    public List<Instance> passingInstances(String service) {
        return instancesAt("/v1/health/service/" + URLEncoder.encode(service, StandardCharsets.UTF_8) + "?passing");
    }

    private List<Instance> instancesAt(String path) {
        List<Instance> instances = new ArrayList<>();
        for (JsonNode entry : get(path)) {
            JsonNode registered = entry.path("Service");
            List<String> tags = new ArrayList<>();
            registered.path("Tags").forEach(tag -> tags.add(tag.asText()));
            Map<String, String> meta = new LinkedHashMap<>();
            registered
                    .path("Meta")
                    .properties()
                    .forEach(field -> meta.put(field.getKey(), field.getValue().asText()));
            Map<String, String> tagged = new LinkedHashMap<>();
            registered
                    .path("TaggedAddresses")
                    .properties()
                    .forEach(field -> tagged.put(
                            field.getKey(),
                            field.getValue().path("Address").asText() + ":"
                                    + field.getValue().path("Port").asInt()));
            List<Check> checks = new ArrayList<>();
            entry.path("Checks")
                    .forEach(check -> checks.add(new Check(
                            check.path("CheckID").asText(),
                            check.path("Type").asText(""),
                            check.path("Status").asText(),
                            check.path("Output").asText(""),
                            check.path("ServiceID").asText("").isEmpty())));
            instances.add(new Instance(
                    registered.path("ID").asText(),
                    registered.path("Service").asText(),
                    registered.path("Address").asText(),
                    registered.path("Port").asInt(),
                    tags,
                    meta,
                    tagged,
                    checks));
        }
        return instances;
    }

    /**
     * Removes a registration from the agent. The stack's agent is the one every instance registered
     * with, so this works for any instance; an id the agent does not know is ignored.
     */
    public void deregister(String instanceId) {
        URI uri =
                consul.resolve("/v1/agent/service/deregister/" + URLEncoder.encode(instanceId, StandardCharsets.UTF_8));
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(requestTimeout)
                            .PUT(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200 && response.statusCode() != 404) {
                throw new UncheckedIOException(
                        new IOException("PUT " + uri + " answered " + response.statusCode() + ": " + response.body()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("PUT " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Consul " + uri, e);
        }
    }

    public URI uri() {
        return consul;
    }

    private JsonNode get(String path) {
        URI uri = consul.resolve(path);
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(requestTimeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new UncheckedIOException(
                        new IOException("GET " + uri + " answered " + response.statusCode() + ": " + response.body()));
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while asking Consul " + uri, e);
        }
    }
}
