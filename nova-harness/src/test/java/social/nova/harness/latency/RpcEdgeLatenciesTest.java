package social.nova.harness.latency;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/** What the harness makes of the services' {@code /observe/rpc-latency}, as the service kit writes it. */
class RpcEdgeLatenciesTest {
    private static final String GET_USER = "nova.user.v1.UserService/GetUser";

    @Test
    void instancesAreSummedAndTheRunIsTheDifferenceBetweenTwoSnapshots() {
        Map<RpcEdgeLatencies.Edge, RpcEdgeLatencies.Totals> before = new LinkedHashMap<>();
        RpcEdgeLatencies.add(before, "api-gateway", answer(GET_USER, Map.of("OK", 10L), 1, micros(10, 50_000)));
        RpcEdgeLatencies.add(before, "api-gateway", answer(GET_USER, Map.of("OK", 5L), 0, micros(5, 50_000)));

        Map<RpcEdgeLatencies.Edge, RpcEdgeLatencies.Totals> after = new LinkedHashMap<>();
        Histogram first = micros(10, 50_000);
        first.add(micros(990, 2_000)); // the run: 990 calls of 2 ms on one instance...
        Histogram second = micros(5, 50_000);
        second.add(micros(10, 30_000)); // ...and 10 of 30 ms on the other, 2 of them failed
        RpcEdgeLatencies.add(after, "api-gateway", answer(GET_USER, Map.of("OK", 1_000L), 3, first));
        RpcEdgeLatencies.add(after, "api-gateway", answer(GET_USER, Map.of("OK", 13L, "UNAVAILABLE", 2L), 0, second));

        List<EdgeLatency> edges = RpcEdgeLatencies.between(before, after);

        assertThat(edges).hasSize(1);
        EdgeLatency edge = edges.getFirst();
        assertThat(edge.name()).isEqualTo("api-gateway -> user-service GetUser");
        assertThat(edge.count()).isEqualTo(1_000);
        assertThat(edge.errors()).isEqualTo(2);
        assertThat(edge.retries()).isEqualTo(2);
        assertThat(edge.p50()).isCloseTo(2.0, withinPercentage(0.1));
        assertThat(edge.p99()).isCloseTo(2.0, withinPercentage(0.1));
        assertThat(edge.max())
                .as("the warm-up's 50 ms calls are not in the run")
                .isCloseTo(30.0, withinPercentage(0.1));
        assertThat(edge.budgetPercentile()).isEqualTo("p99");
        assertThat(edge.histogram().total()).isEqualTo(1_000);
    }

    @Test
    void anEdgeWithoutCallsInTheRunIsLeftOut() {
        Map<RpcEdgeLatencies.Edge, RpcEdgeLatencies.Totals> snapshot = new LinkedHashMap<>();
        RpcEdgeLatencies.add(
                snapshot,
                "user-service",
                answer("nova.auth.v1.AuthService/GetPublicKeys", Map.of("OK", 1L), 0, micros(1, 4_000)));

        assertThat(RpcEdgeLatencies.between(snapshot, snapshot)).isEmpty();
    }

    private static Histogram micros(int count, long value) {
        Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(value, count);
        return histogram;
    }

    private static String answer(String method, Map<String, Long> calls, long retries, Histogram latency) {
        ByteBuffer buffer = ByteBuffer.allocate(latency.getNeededByteBufferCapacity());
        int length = latency.encodeIntoCompressedByteBuffer(buffer);
        String encoded = Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(buffer.array(), length));
        StringBuilder codes = new StringBuilder();
        calls.forEach((code, count) -> codes.append(codes.isEmpty() ? "" : ",")
                .append('"')
                .append(code)
                .append("\":")
                .append(count));
        return "{\"caller\":\"x\",\"unit\":\"microseconds\",\"edges\":[{\"target\":\"user-service\",\"method\":\""
                + method + "\",\"calls\":{" + codes + "},\"retries\":" + retries + ",\"histogram\":\"" + encoded
                + "\"}]}";
    }
}
