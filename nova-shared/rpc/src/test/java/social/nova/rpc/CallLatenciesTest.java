package social.nova.rpc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.grpc.Status;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

class CallLatenciesTest {
    private static final String GET_USER = "nova.user.v1.UserService/GetUser";

    @Test
    void everyCallOfManyVirtualThreadsIsCountedWhileSnapshotsAreTaken() {
        CallLatencies latencies = new CallLatencies();
        int threads = 16;
        int callsEach = 5_000;
        // A hang guard only (generous): the packed histograms used first livelocked here.
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> writers = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int seed = t;
                    writers.add(executor.submit(() -> {
                        for (int i = 0; i < callsEach; i++) {
                            // From 1 µs to past a minute, so every part of the range is written.
                            long nanos = (long) Math.pow(10, 3 + (i + seed) % 9);
                            latencies.record(
                                    "user-service",
                                    GET_USER,
                                    i % 10 == 0 ? Status.Code.UNAVAILABLE : Status.Code.OK,
                                    nanos);
                        }
                    }));
                }
                while (writers.stream().anyMatch(w -> !w.isDone())) {
                    latencies.snapshot();
                }
                for (Future<?> writer : writers) {
                    writer.get();
                }
            }
        });

        CallLatencies.EdgeSnapshot edge = latencies.snapshot().getFirst();
        assertThat(edge.latencyMicros().getTotalCount()).isEqualTo((long) threads * callsEach);
        assertThat(edge.calls().get(Status.Code.OK) + edge.calls().get(Status.Code.UNAVAILABLE))
                .isEqualTo((long) threads * callsEach);
        assertThat(edge.latencyMicros().getMaxValue())
                .as("past a minute counts as a minute")
                .isCloseTo(TimeUnit.MINUTES.toMicros(1), withinPercentage(0.1));
    }

    @Test
    void theJsonCarriesTheHistogramExactlyWithCallsAndRetries() {
        CallLatencies latencies = new CallLatencies();
        for (int i = 1; i <= 1_000; i++) {
            latencies.record("user-service", GET_USER, Status.Code.OK, TimeUnit.MICROSECONDS.toNanos(i * 10L));
        }
        latencies.retried("user-service", GET_USER);

        String json = latencies.toJson("api-gateway");

        assertThat(json)
                .startsWith(
                        "{\"caller\":\"api-gateway\",\"unit\":\"microseconds\",\"edges\":[{\"target\":\"user-service\","
                                + "\"method\":\"" + GET_USER
                                + "\",\"calls\":{\"OK\":1000},\"retries\":1,\"histogram\":\"");
        int start = json.indexOf("\"histogram\":\"") + 13;
        String encoded = json.substring(start, json.indexOf('"', start));
        Histogram decoded = CallLatencies.decode(encoded);
        assertThat(decoded.getTotalCount()).isEqualTo(1_000);
        assertThat(decoded.getValueAtPercentile(99)).isCloseTo(9_900, withinPercentage(0.1));
        assertThatThrownBy(() -> CallLatencies.decode("bm90IGEgaGlzdG9ncmFt"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(json).endsWith(",\"slowCallMicros\":250000,\"slowCalls\":[]}");
    }

    @Test
    void slowCallsAreKeptWithWhenTheyEndedTheMostRecentOnly() {
        CallLatencies latencies = new CallLatencies();
        Instant before = Instant.now();
        latencies.record("user-service", GET_USER, Status.Code.OK, TimeUnit.MILLISECONDS.toNanos(249));
        latencies.record("user-service", GET_USER, Status.Code.DEADLINE_EXCEEDED, TimeUnit.MILLISECONDS.toNanos(700));
        Instant after = Instant.now();

        assertThat(latencies.slowCalls()).singleElement().satisfies(call -> {
            assertThat(call.edge()).isEqualTo(new CallLatencies.Edge("user-service", GET_USER));
            assertThat(call.code()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            assertThat(call.micros()).isEqualTo(700_000);
            assertThat(call.endedAt()).isBetween(before, after);
        });
        assertThat(latencies.toJson("api-gateway"))
                .contains("\"slowCalls\":[{\"target\":\"user-service\",\"method\":\"" + GET_USER
                        + "\",\"code\":\"DEADLINE_EXCEEDED\",\"micros\":700000,\"endedAt\":\""
                        + latencies.slowCalls().getFirst().endedAt() + "\"}]");

        for (int i = 0; i < CallLatencies.SLOW_CALLS_KEPT + 10; i++) {
            latencies.record(
                    "content-service", "nova.content.v1.ContentService/GetPosts", Status.Code.OK, 300_000_000L + i);
        }
        assertThat(latencies.slowCalls())
                .hasSize(CallLatencies.SLOW_CALLS_KEPT)
                .allSatisfy(call -> assertThat(call.edge().target()).isEqualTo("content-service"));
    }
}
