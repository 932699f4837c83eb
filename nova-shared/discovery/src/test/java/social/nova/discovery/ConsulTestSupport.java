package social.nova.discovery;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.testcontainers.consul.ConsulContainer;

/** What the discovery ITs share: fast timings, reachable addresses, and a raw view of the agent. */
final class ConsulTestSupport {
    /**
     * How soon a health change must reach a watcher: one check interval (1 s) to notice, then
     * the blocking query returns at once (measured here: under 1.5 s end to end).
     */
    static final Duration PROPAGATION = Duration.ofSeconds(2);
    /** Checks have to run once (interval 1 s, first run staggered) before an instance is passing. */
    static final Duration FIRST_PASS = Duration.ofSeconds(10);

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private ConsulTestSupport() {}

    /**
     * Tests' timings: checks every second (the brief's "1 s check interval"), quick self-repair
     * and retries, and a short blocking time so resumption after failures is exercised.
     */
    static ConsulSettings.Builder fastSettings(URI consul) {
        return ConsulSettings.builder()
                .url(consul)
                .checkInterval(Duration.ofSeconds(1))
                .checkTimeout(Duration.ofSeconds(1))
                .verifyInterval(Duration.ofSeconds(1))
                .watchBlockingTime(Duration.ofSeconds(5))
                .retryInitialBackoff(Duration.ofMillis(200))
                .retryMaxBackoff(Duration.ofSeconds(1));
    }

    /**
     * The host address the container reaches the test JVM at: the gateway of its Docker bridge.
     * Test servers bind there only, not to external interfaces.
     */
    static String hostAddressSeenBy(ConsulContainer consul) {
        return consul.getContainerInfo()
                .getNetworkSettings()
                .getNetworks()
                .values()
                .iterator()
                .next()
                .getGateway();
    }

    /** A port nothing listens on right now, for containers that must keep their host port. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** A service name no other test uses, so tests can share one agent. */
    static String uniqueServiceName(String prefix) {
        return prefix + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
    }

    /** GET on the agent's HTTP API, with an optional token; the JSON body. */
    static JsonNode get(URI consul, String path, String token) throws IOException, InterruptedException {
        HttpResponse<String> response = send(consul, "GET", path, token);
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    static JsonNode get(URI consul, String path) throws IOException, InterruptedException {
        return get(consul, path, null);
    }

    /** PUT without body (e.g. deregister behind a registrar's back); the status code. */
    static int put(URI consul, String path) throws IOException, InterruptedException {
        return send(consul, "PUT", path, null).statusCode();
    }

    /** Ids of the instances the agent has registered locally. */
    static List<String> agentServiceIds(URI consul, String token) throws IOException, InterruptedException {
        List<String> ids = new ArrayList<>();
        get(consul, "/v1/agent/services", token).fieldNames().forEachRemaining(ids::add);
        return ids;
    }

    private static HttpResponse<String> send(URI consul, String method, String path, String token)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(consul.resolve(path))
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofSeconds(5));
        if (token != null) {
            request.header("X-Consul-Token", token);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A watch listener that remembers every list it got. */
    static final class Recorder implements Consumer<List<ServiceInstance>> {
        private final List<List<ServiceInstance>> received = new CopyOnWriteArrayList<>();

        @Override
        public void accept(List<ServiceInstance> instances) {
            received.add(instances);
        }

        /** Ids in the latest list, or null before the first. */
        List<String> latestIds() {
            List<ServiceInstance> latest = latest();
            return latest == null
                    ? null
                    : latest.stream().map(ServiceInstance::id).toList();
        }

        List<ServiceInstance> latest() {
            return received.isEmpty() ? null : received.get(received.size() - 1);
        }

        int count() {
            return received.size();
        }
    }
}
