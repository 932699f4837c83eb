package social.nova.harness.latency;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How long the JIT compilers of the whole stack have worked so far: every service instance's
 * {@value #METRIC} (the service kit binds Micrometer's {@code JvmCompilationMetrics}, served at
 * {@code /observe/metrics}) plus the load generator's own. A warm-up is not over while this still
 * climbs: C2 compiles for a minute or more after the median looks flat, on the same two cores as
 * the calls being measured, and those calls run partly interpreted or at tier 1 until it is done.
 */
public final class JitActivity {
    /** The Prometheus name of Micrometer's {@code jvm.compilation.time} counter (milliseconds). */
    public static final String METRIC = "jvm_compilation_time_ms_total";

    private JitActivity() {}

    /**
     * Total compilation milliseconds of every instance and of this JVM.
     *
     * @param metricsEndpoints service to the {@code /observe/metrics} URIs of its instances
     */
    public static double totalMillis(Map<String, List<URI>> metricsEndpoints, HttpClient http, Duration timeout) {
        double total = ownMillis();
        for (List<URI> uris : metricsEndpoints.values()) {
            for (URI uri : uris) {
                total += parse(RpcEdgeLatencies.get(http, uri, timeout), uri);
            }
        }
        return total;
    }

    /** This JVM's (the load generator's) compilation time, 0 where the JVM does not tell. */
    static double ownMillis() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /**
     * The sum of every {@value #METRIC} sample in a Prometheus text exposition (one per compiler
     * name tag).
     *
     * @throws IllegalStateException when there is none: a service without the metric would make
     *                               every warm-up look finished
     */
    static double parse(String prometheusText, Object source) {
        double sum = 0;
        boolean found = false;
        for (String line : prometheusText.split("\n")) {
            if (line.startsWith(METRIC + "{") || line.startsWith(METRIC + " ")) {
                String value = line.substring(line.lastIndexOf(' ') + 1).trim();
                sum += Double.parseDouble(value);
                found = true;
            }
        }
        if (!found) {
            throw new IllegalStateException(source + " has no " + METRIC + ": is the service on a kit that binds it?");
        }
        return sum;
    }
}
