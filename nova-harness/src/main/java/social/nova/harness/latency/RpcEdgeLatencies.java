package social.nova.harness.latency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.DataFormatException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.HdrHistogram.Histogram;

/**
 * The gRPC edges between services, from the callers' own record of every call: nova-rpc keeps an
 * HdrHistogram per target and method (microseconds, every call as its caller saw it, retries
 * included) with the calls per status code and the retries, and the service kit serves them at
 * {@code /observe/rpc-latency}. A snapshot before and one after a load, subtracted, give each edge's
 * calls of the load with exact percentiles and maximum.
 */
public final class RpcEdgeLatencies {
    public static final String PATH = "/observe/rpc-latency";
    public static final String SOURCE = "the caller's nova-rpc client: every call, HdrHistogram";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String OK = "OK";

    private RpcEdgeLatencies() {}

    /** An edge: the calling service, the called one and the method. */
    public record Edge(String from, String to, String method) {}

    /**
     * Cumulative figures of an edge at one moment, summed over the caller's instances.
     *
     * @param latencyMicros every call's latency
     * @param calls         calls by status code name
     */
    public record Totals(Histogram latencyMicros, Map<String, Long> calls, long retries) {
        public Totals {
            calls = Map.copyOf(calls);
        }

        public long failed() {
            return calls.entrySet().stream()
                    .filter(e -> !OK.equals(e.getKey()))
                    .mapToLong(Map.Entry::getValue)
                    .sum();
        }
    }

    /**
     * Reads every instance.
     *
     * @param endpoints calling service to the {@value #PATH} URIs of its instances
     */
    public static Map<Edge, Totals> scrape(Map<String, List<URI>> endpoints, HttpClient http, Duration timeout) {
        Map<Edge, Totals> totals = new LinkedHashMap<>();
        endpoints.forEach((service, uris) -> {
            for (URI uri : uris) {
                add(totals, service, get(http, uri, timeout));
            }
        });
        return totals;
    }

    /** Adds one instance's answer (of service {@code from}) to {@code totals}. */
    static void add(Map<Edge, Totals> totals, String from, String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not the JSON of " + PATH + ": " + e.getMessage(), e);
        }
        for (JsonNode node : root.path("edges")) {
            Edge edge = new Edge(
                    from,
                    node.get("target").asText(),
                    shortMethod(node.get("method").asText()));
            Map<String, Long> calls = new LinkedHashMap<>();
            node.path("calls")
                    .properties()
                    .forEach(e -> calls.put(e.getKey(), e.getValue().asLong()));
            Totals instance = new Totals(
                    decode(node.get("histogram").asText()),
                    calls,
                    node.path("retries").asLong());
            totals.merge(edge, instance, RpcEdgeLatencies::sum);
        }
    }

    /** Each edge's calls between two snapshots (edges without calls in between are left out). */
    public static List<EdgeLatency> between(Map<Edge, Totals> before, Map<Edge, Totals> after) {
        List<EdgeLatency> edges = new ArrayList<>();
        after.forEach((edge, end) -> {
            Totals start = before.get(edge);
            Histogram latency = end.latencyMicros().copy();
            long retries = end.retries();
            long failed = end.failed();
            if (start != null) {
                latency.subtract(start.latencyMicros());
                retries -= start.retries();
                failed -= start.failed();
            }
            if (latency.getTotalCount() == 0) {
                return;
            }
            LatencySummary summary = LatencySummary.ofMicros(latency);
            edges.add(new EdgeLatency(
                    edge.from(),
                    edge.to(),
                    edge.method(),
                    "grpc",
                    summary.count(),
                    failed,
                    summary.p50(),
                    summary.p95(),
                    summary.p99(),
                    summary.max(),
                    summary.mean(),
                    SOURCE,
                    LatencyHistogram.ofMicros(latency),
                    retries,
                    Confidence.lowerBoundMillis(latency, 0.95),
                    Confidence.lowerBoundMillis(latency, 0.99)));
        });
        return edges;
    }

    private static Totals sum(Totals a, Totals b) {
        Histogram latency = a.latencyMicros().copy();
        latency.add(b.latencyMicros());
        Map<String, Long> calls = new LinkedHashMap<>(a.calls());
        b.calls().forEach((code, count) -> calls.merge(code, count, Long::sum));
        return new Totals(latency, calls, a.retries() + b.retries());
    }

    static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        } catch (DataFormatException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }

    /** {@code nova.user.v1.UserService/GetUser} is reported as {@code GetUser}. */
    private static String shortMethod(String fullMethodName) {
        return fullMethodName.substring(fullMethodName.lastIndexOf('/') + 1);
    }

    /** The body of a 200 answer to a GET of one of the stack's endpoints; anything else throws, naming the URI. */
    static String get(HttpClient http, URI uri, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(
                    HttpRequest.newBuilder(uri).timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + uri + " answered " + response.statusCode());
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
    }
}
