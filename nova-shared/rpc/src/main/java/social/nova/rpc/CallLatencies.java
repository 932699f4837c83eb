package social.nova.rpc;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.grpc.Status;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The exact latency of every outgoing call, per target service and method, as its caller saw it
 * (retries included), with the calls per status code and the retries. Each latency is recorded in
 * an HdrHistogram (microseconds, three significant digits), so percentiles come from every sample
 * instead of from histogram buckets; the service kit serves a snapshot at
 * {@code /observe/rpc-latency} for benchmarks and the harness, which subtract two snapshots to get
 * the calls of a run.
 *
 * <p>Recording is wait-free (HdrHistogram's {@link Recorder} over histograms of a fixed range,
 * 1 µs to a minute: about 140 KiB each, three per edge). Not the auto-resizing "packed" kind: its
 * writers resize under the recorder's phaser and spun two virtual-thread carriers at 100 % under
 * load. A snapshot folds what was recorded since the last one into a cumulative histogram, so
 * snapshots never lose samples and any number of readers can take them.
 *
 * <p>A histogram says how slow, not when. So the most recent calls of at least {@value
 * #SLOW_CALL_MICROS} µs are also kept one by one, with the moment they ended ({@link #slowCalls},
 * the last {@value #SLOW_CALLS_KEPT}): an operator or the harness can line a slow call up with what
 * else happened then (a garbage collection, a restart, a pause of the machine).
 */
public final class CallLatencies {
    /** Significant decimal digits of every recorded latency: 0.1 % resolution. */
    public static final int SIGNIFICANT_DIGITS = 3;
    /** The longest latency told apart, in microseconds (a minute: longer than any Nova deadline); longer ones count as this. */
    public static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(1);

    /** Calls at least this slow (in microseconds) are kept one by one in {@link #slowCalls}. */
    public static final long SLOW_CALL_MICROS = 250_000;
    /** How many of the most recent slow calls are kept. */
    public static final int SLOW_CALLS_KEPT = 64;

    private final ConcurrentMap<Edge, EdgeRecorder> edges = new ConcurrentHashMap<>();
    /** The most recent slow calls, oldest first; guarded by itself (slow calls are rare). */
    private final ArrayDeque<SlowCall> slowCalls = new ArrayDeque<>();

    /** One target service and gRPC method ({@code package.Service/Method}). */
    public record Edge(String target, String method) {}

    /**
     * Everything an edge saw since the process started.
     *
     * @param latencyMicros every call's latency, in microseconds
     * @param calls         calls by the status code their caller received
     * @param retries       attempts after the first
     */
    public record EdgeSnapshot(Edge edge, Histogram latencyMicros, Map<Status.Code, Long> calls, long retries) {}

    /** One call of at least {@value #SLOW_CALL_MICROS} µs: its edge, status, latency and when it ended. */
    public record SlowCall(Edge edge, Status.Code code, long micros, Instant endedAt) {}

    void record(String target, String method, Status.Code code, long nanos) {
        edge(target, method).record(code, nanos);
    }

    void retried(String target, String method) {
        edge(target, method).retried();
    }

    /** The most recent slow calls (at most {@value #SLOW_CALLS_KEPT}), oldest first. */
    public List<SlowCall> slowCalls() {
        synchronized (slowCalls) {
            return List.copyOf(slowCalls);
        }
    }

    private void slow(SlowCall call) {
        synchronized (slowCalls) {
            if (slowCalls.size() == SLOW_CALLS_KEPT) {
                slowCalls.removeFirst();
            }
            slowCalls.addLast(call);
        }
    }

    /** Every edge called so far. */
    public List<EdgeSnapshot> snapshot() {
        List<EdgeSnapshot> snapshots = new ArrayList<>();
        edges.forEach((edge, recorder) -> snapshots.add(recorder.snapshot(edge)));
        return snapshots;
    }

    /**
     * The snapshot as JSON ({@code /observe/rpc-latency}): the caller, and per edge its target,
     * method, calls by status code, retries, and the latency histogram in HdrHistogram's compressed
     * form, Base64-encoded ({@code Histogram.decodeFromCompressedByteBuffer} reads it); then the
     * recent slow calls, each with its target, method, status, latency and end (ISO-8601, UTC).
     */
    public String toJson(String caller) {
        StringBuilder json = new StringBuilder("{\"caller\":")
                .append(quoted(caller))
                .append(",\"unit\":\"microseconds\",\"edges\":[");
        List<EdgeSnapshot> snapshots = snapshot();
        for (int i = 0; i < snapshots.size(); i++) {
            EdgeSnapshot snapshot = snapshots.get(i);
            json.append(i == 0 ? "" : ",")
                    .append("{\"target\":")
                    .append(quoted(snapshot.edge().target()))
                    .append(",\"method\":")
                    .append(quoted(snapshot.edge().method()))
                    .append(",\"calls\":{");
            boolean first = true;
            for (Map.Entry<Status.Code, Long> calls : snapshot.calls().entrySet()) {
                json.append(first ? "" : ",")
                        .append(quoted(calls.getKey().name()))
                        .append(':')
                        .append(calls.getValue());
                first = false;
            }
            json.append("},\"retries\":")
                    .append(snapshot.retries())
                    .append(",\"histogram\":")
                    .append(quoted(encode(snapshot.latencyMicros())))
                    .append('}');
        }
        json.append("],\"slowCallMicros\":").append(SLOW_CALL_MICROS).append(",\"slowCalls\":[");
        List<SlowCall> slow = slowCalls();
        for (int i = 0; i < slow.size(); i++) {
            SlowCall call = slow.get(i);
            json.append(i == 0 ? "" : ",")
                    .append("{\"target\":")
                    .append(quoted(call.edge().target()))
                    .append(",\"method\":")
                    .append(quoted(call.edge().method()))
                    .append(",\"code\":")
                    .append(quoted(call.code().name()))
                    .append(",\"micros\":")
                    .append(call.micros())
                    .append(",\"endedAt\":")
                    .append(quoted(call.endedAt().toString()))
                    .append('}');
        }
        return json.append("]}").toString();
    }

    /** HdrHistogram's compressed form, Base64-encoded. */
    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
    }

    /** The histogram {@link #encode} wrote. */
    public static Histogram decode(String encoded) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(
                    ByteBuffer.wrap(Base64.getDecoder().decode(encoded)), 0);
        } catch (java.util.zip.DataFormatException e) {
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }

    /** The recorder of one edge, for a caller that keeps it instead of looking it up on every call. */
    EdgeRecorder edge(String target, String method) {
        return edges.computeIfAbsent(new Edge(target, method), edge -> new EdgeRecorder(edge, this));
    }

    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format("\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    static final class EdgeRecorder {
        private final Edge edge;
        private final CallLatencies owner;
        private final Recorder recent = new Recorder(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        private final Histogram total = new Histogram(1, HIGHEST_MICROS, SIGNIFICANT_DIGITS);
        private final LongAdder[] calls = new LongAdder[Status.Code.values().length];
        private final LongAdder retries = new LongAdder();
        private Histogram recycled;

        EdgeRecorder(Edge edge, CallLatencies owner) {
            this.edge = edge;
            this.owner = owner;
            for (int i = 0; i < calls.length; i++) {
                calls[i] = new LongAdder();
            }
        }

        void retried() {
            retries.increment();
        }

        void record(Status.Code code, long nanos) {
            long micros = Math.clamp(TimeUnit.NANOSECONDS.toMicros(nanos), 1, HIGHEST_MICROS);
            recent.recordValue(micros);
            calls[code.ordinal()].increment();
            if (micros >= SLOW_CALL_MICROS) {
                owner.slow(new SlowCall(edge, code, micros, Instant.now()));
            }
        }

        synchronized EdgeSnapshot snapshot(Edge edge) {
            recycled = recent.getIntervalHistogram(recycled);
            total.add(recycled);
            Map<Status.Code, Long> byCode = new EnumMap<>(Status.Code.class);
            for (Status.Code code : Status.Code.values()) {
                long count = calls[code.ordinal()].sum();
                if (count > 0) {
                    byCode.put(code, count);
                }
            }
            return new EdgeSnapshot(edge, total.copy(), byCode, retries.sum());
        }
    }
}
