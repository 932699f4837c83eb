package social.nova.harness.latency;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The gRPC edges between services, from the callers' own client metrics: nova-rpc's timer
 * {@code nova.rpc.client.calls} (tags {@code target}, {@code method}, {@code status}) as Prometheus
 * exposes it at {@code /observe/metrics}. A snapshot before and one after the load give each
 * edge's calls, errors and mean in between; percentiles and the chart's bins come from the timer's
 * histogram buckets ({@code _bucket}, which nova-rpc publishes), and are left out where a service
 * does not publish them. The timer's max is left out
 * too: Micrometer keeps it over a window of minutes, so it would include the warm-up.
 */
public final class RpcEdgeMetrics {
    static final String CALLS = "nova_rpc_client_calls_seconds";
    private static final String OK = "OK";
    private static final double MILLIS_PER_SECOND = 1000;

    private RpcEdgeMetrics() {
    }

    /** An edge: the calling service, the called one and the method. */
    public record Edge(String from, String to, String method) {
    }

    /** Cumulative figures of an edge at one moment, summed over the caller's instances and status codes. */
    public record Totals(double count, double errors, double sumSeconds, Map<Double, Double> buckets) {
        public Totals {
            buckets = Map.copyOf(buckets);
        }
    }

    /**
     * Reads the metrics of every instance.
     *
     * @param endpoints calling service to the {@code /observe/metrics} URIs of its instances
     */
    public static Map<Edge, Totals> scrape(Map<String, List<URI>> endpoints, HttpClient http, Duration timeout) {
        Map<Edge, Totals> totals = new LinkedHashMap<>();
        endpoints.forEach((service, uris) -> {
            for (URI uri : uris) {
                add(totals, service, PrometheusText.parse(get(http, uri, timeout)));
            }
        });
        return totals;
    }

    /** Adds one instance's samples (of service {@code from}) to {@code totals}. */
    static void add(Map<Edge, Totals> totals, String from, List<PrometheusText.Sample> samples) {
        for (PrometheusText.Sample sample : samples) {
            if (!sample.name().startsWith(CALLS)) {
                continue;
            }
            Edge edge = new Edge(from, sample.labels().getOrDefault("target", "?"), sample.labels().getOrDefault("method", "?"));
            Totals now = totals.getOrDefault(edge, new Totals(0, 0, 0, Map.of()));
            boolean failed = !OK.equals(sample.labels().get("status"));
            double value = sample.value();
            Totals next = switch (sample.name().substring(CALLS.length())) {
                case "_count" -> new Totals(now.count() + value, now.errors() + (failed ? value : 0), now.sumSeconds(),
                        now.buckets());
                case "_sum" -> new Totals(now.count(), now.errors(), now.sumSeconds() + value, now.buckets());
                case "_bucket" -> {
                    Map<Double, Double> buckets = new TreeMap<>(now.buckets());
                    buckets.merge(Double.parseDouble(sample.labels().get("le").replace("+Inf", "Infinity")), value, Double::sum);
                    yield new Totals(now.count(), now.errors(), now.sumSeconds(), buckets);
                }
                default -> now;
            };
            totals.put(edge, next);
        }
    }

    /** Each edge called between the two snapshots, with what happened in between. */
    public static List<EdgeLatency> between(Map<Edge, Totals> before, Map<Edge, Totals> after) {
        List<EdgeLatency> edges = new ArrayList<>();
        after.forEach((edge, end) -> {
            Totals start = before.getOrDefault(edge, new Totals(0, 0, 0, Map.of()));
            double calls = end.count() - start.count();
            if (calls <= 0) {
                return;
            }
            TreeMap<Double, Double> buckets = new TreeMap<>();
            end.buckets().forEach((le, count) -> buckets.put(le, count - start.buckets().getOrDefault(le, 0.0)));
            boolean histogram = !buckets.isEmpty();
            edges.add(new EdgeLatency(edge.from(), edge.to(), edge.method(), "grpc", Math.round(calls),
                    Math.round(end.errors() - start.errors()),
                    histogram ? millis(quantile(buckets, 0.50)) : null,
                    histogram ? millis(quantile(buckets, 0.95)) : null,
                    histogram ? millis(quantile(buckets, 0.99)) : null,
                    null,
                    millis((end.sumSeconds() - start.sumSeconds()) / calls),
                    histogram ? "gRPC edges: the caller's client metrics, percentiles from their histogram buckets"
                            : "gRPC edges: the caller's client metrics, mean over the run (the services publish no "
                              + "histogram buckets, so no percentiles)",
                    histogram ? LatencyHistogram.ofCumulativeSeconds(buckets) : null));
        });
        return edges;
    }

    /** Like Prometheus' histogram_quantile: linear within the bucket holding the rank. */
    static double quantile(TreeMap<Double, Double> cumulative, double q) {
        double total = cumulative.lastEntry().getValue();
        if (total <= 0) {
            return 0;
        }
        double rank = q * total;
        double lowerBound = 0;
        double lowerCount = 0;
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (bucket.getValue() >= rank) {
                if (bucket.getKey().isInfinite()) {
                    return lowerBound;
                }
                double inBucket = bucket.getValue() - lowerCount;
                return inBucket <= 0 ? bucket.getKey()
                        : lowerBound + (bucket.getKey() - lowerBound) * (rank - lowerCount) / inBucket;
            }
            lowerBound = bucket.getKey();
            lowerCount = bucket.getValue();
        }
        return lowerBound;
    }

    private static double millis(double seconds) {
        return seconds * MILLIS_PER_SECOND;
    }

    private static String get(HttpClient http, URI uri, Duration timeout) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new UncheckedIOException(new IOException("GET " + uri + " answered " + response.statusCode()));
            }
            return response.body();
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + uri, e);
        }
    }
}
