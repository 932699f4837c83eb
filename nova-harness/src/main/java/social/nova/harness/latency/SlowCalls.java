package social.nova.harness.latency;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The slow gRPC calls of a run, one by one, lined up with the garbage-collection pauses of every
 * instance of the stack: a histogram says how slow the slowest call was, this says when it was and
 * which JVM stood still meanwhile. The calls come from each caller's nova-rpc ({@code slowCalls} at
 * {@value RpcEdgeLatencies#PATH}: calls of 250 ms or more, with when they ended), the pauses from
 * the service kit ({@value #PAUSES_PATH}: pauses of 20 ms or more, with when they began). Every
 * container shares this machine's clock, so the moments compare to the millisecond.
 */
public final class SlowCalls {
    public static final String PAUSES_PATH = "/observe/jvm-pauses";
    private static final ObjectMapper JSON = new ObjectMapper();

    private SlowCalls() {}

    /** One slow call as its caller recorded it. */
    public record SlowCall(
            String from, String instance, String to, String method, String code, double millis, Instant endedAt) {
        public Instant startedAt() {
            return endedAt.minusNanos(Math.round(millis * 1_000_000));
        }
    }

    /** One stop-the-world pause of one instance. */
    public record Pause(
            String service, String instance, String collector, String cause, double millis, Instant startedAt) {
        public Instant endedAt() {
            return startedAt.plusNanos(Math.round(millis * 1_000_000));
        }

        boolean overlaps(SlowCall call) {
            return startedAt.isBefore(call.endedAt()) && endedAt().isAfter(call.startedAt());
        }
    }

    /** The calls of every instance that took at least {@code atLeast} and ended after {@code since}, in time order. */
    public static List<SlowCall> read(
            Map<String, List<URI>> rpcLatencyEndpoints,
            HttpClient http,
            Duration timeout,
            Instant since,
            Duration atLeast) {
        List<SlowCall> calls = new ArrayList<>();
        rpcLatencyEndpoints.forEach((service, uris) -> {
            for (URI uri : uris) {
                calls.addAll(slowCalls(service, uri.getAuthority(), RpcEdgeLatencies.get(http, uri, timeout)));
            }
        });
        double minimum = atLeast.toNanos() / 1e6;
        return calls.stream()
                .filter(call -> call.millis() >= minimum && call.endedAt().isAfter(since))
                .sorted(Comparator.comparing(SlowCall::endedAt))
                .toList();
    }

    /** The pauses of every instance that ended after {@code since}, in time order. */
    public static List<Pause> pauses(
            Map<String, List<URI>> pauseEndpoints, HttpClient http, Duration timeout, Instant since) {
        List<Pause> pauses = new ArrayList<>();
        pauseEndpoints.forEach((service, uris) -> {
            for (URI uri : uris) {
                pauses.addAll(pauses(service, uri.getAuthority(), RpcEdgeLatencies.get(http, uri, timeout)));
            }
        });
        return pauses.stream()
                .filter(pause -> pause.endedAt().isAfter(since))
                .sorted(Comparator.comparing(Pause::startedAt))
                .toList();
    }

    static List<SlowCall> slowCalls(String from, String instance, String json) {
        List<SlowCall> calls = new ArrayList<>();
        for (JsonNode node : tree(json, RpcEdgeLatencies.PATH).path("slowCalls")) {
            String method = node.path("method").asText();
            calls.add(new SlowCall(
                    from,
                    instance,
                    node.path("target").asText(),
                    method.substring(method.lastIndexOf('/') + 1),
                    node.path("code").asText(),
                    node.path("micros").asLong() / 1000.0,
                    Instant.parse(node.path("endedAt").asText())));
        }
        return calls;
    }

    static List<Pause> pauses(String service, String instance, String json) {
        List<Pause> pauses = new ArrayList<>();
        for (JsonNode node : tree(json, PAUSES_PATH).path("recent")) {
            pauses.add(new Pause(
                    service,
                    instance,
                    node.path("collector").asText(),
                    node.path("cause").asText(),
                    node.path("micros").asLong() / 1000.0,
                    Instant.parse(node.path("startedAt").asText())));
        }
        return pauses;
    }

    /**
     * One line per call: the call, then every pause of any instance that overlapped it (or that no
     * JVM of the stack paused meanwhile: then the time went elsewhere, to the machine, the network
     * or the code).
     */
    public static List<String> explain(List<SlowCall> calls, List<Pause> pauses) {
        List<String> lines = new ArrayList<>();
        for (SlowCall call : calls) {
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT,
                    "%s (%s) -> %s %s %s: %.1f ms, %s to %s",
                    call.from(),
                    call.instance(),
                    call.to(),
                    call.method(),
                    call.code(),
                    call.millis(),
                    call.startedAt(),
                    call.endedAt()));
            List<Pause> during =
                    pauses.stream().filter(pause -> pause.overlaps(call)).toList();
            if (during.isEmpty()) {
                line.append("; no JVM of the stack paused meanwhile");
            }
            for (Pause pause : during) {
                line.append(String.format(
                        Locale.ROOT,
                        "; %s (%s) paused %.0f ms from %s (%s, %s)",
                        pause.service(),
                        pause.instance(),
                        pause.millis(),
                        pause.startedAt(),
                        pause.collector(),
                        pause.cause()));
            }
            lines.add(line.toString());
        }
        return lines;
    }

    private static JsonNode tree(String json, String path) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not the JSON of " + path + ": " + e.getMessage(), e);
        }
    }
}
