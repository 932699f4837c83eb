package social.nova.kit;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.rpc.CallLatencies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.kit.KitFixture.call;
import static social.nova.kit.KitFixture.inspect;

/**
 * Deadlines, request ids and credentials travel with a call: Helidon's gRPC server ignores
 * {@code grpc-timeout}, so the kit turns it into the handler's Context deadline, and a handler that
 * calls the next service through {@code kit.clients()} (found in Consul) passes on what is left.
 */
class DeadlinesIT {
    private static final long CLIENT_DEADLINE_MILLIS = 2000;
    private static final long TIME_SPENT_BEFORE_NEXT_HOP_MILLIS = 200;

    private static KitFixture nextHop;

    @BeforeAll
    static void startNextHopRegisteredInConsul() {
        nextHop = KitFixture.start(KitFixture.registeredInConsul(KitFixture.NEXT_HOP), false);
        // Callers only see instances whose Consul checks pass.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !KitFixture.shared()
                        .kit
                        .directory()
                        .healthyInstances(KitFixture.NEXT_HOP)
                        .isEmpty());
    }

    @AfterAll
    static void stopNextHop() {
        if (nextHop != null) {
            nextHop.close();
        }
    }

    @Test
    void handlerSeesTheDeadlineTheClientSet() {
        KitFixture service = KitFixture.shared();

        Map<String, String> seen = inspect(
                service.channel, CallOptions.DEFAULT.withDeadlineAfter(CLIENT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS));

        assertThat(Long.parseLong(seen.get("deadlineMillis")))
                .isGreaterThan(CLIENT_DEADLINE_MILLIS / 2)
                .isLessThanOrEqualTo(CLIENT_DEADLINE_MILLIS);
    }

    @Test
    void handlerOfACallWithoutDeadlineSeesNone() {
        assertThat(inspect(KitFixture.shared().channel, CallOptions.DEFAULT))
                .containsEntry("deadlineMillis", ProbeService.NO_DEADLINE);
    }

    @Test
    void nextHopGetsTheRemainingBudgetTheRequestIdAndTheCallersToken() {
        KitFixture edge = KitFixture.shared();
        int nextHopCallsBefore = nextHop.probe.invocations(ProbeService.INSPECT);

        String reply = call(
                edge.withHeaders("x-request-id", "abc", "authorization", "Bearer valid-ada"),
                ProbeService.RELAY,
                CallOptions.DEFAULT.withDeadlineAfter(CLIENT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS),
                String.valueOf(TIME_SPENT_BEFORE_NEXT_HOP_MILLIS));
        Map<String, String> seenByNextHop = ProbeService.parse(reply);

        assertThat(nextHop.probe.invocations(ProbeService.INSPECT)).isEqualTo(nextHopCallsBefore + 1);
        long edgeRemaining = Long.parseLong(seenByNextHop.get("relayDeadlineMillis"));
        long nextHopRemaining = Long.parseLong(seenByNextHop.get("deadlineMillis"));
        assertThat(edgeRemaining).isLessThanOrEqualTo(CLIENT_DEADLINE_MILLIS - TIME_SPENT_BEFORE_NEXT_HOP_MILLIS);
        // Not the client library's default deadline (5 s): what the edge had left, minus the hop.
        assertThat(nextHopRemaining).isPositive().isLessThanOrEqualTo(edgeRemaining);
        assertThat(seenByNextHop)
                .containsEntry("requestId", "abc")
                .containsEntry("authorization", "Bearer valid-ada")
                // The next hop verified the forwarded token itself.
                .containsEntry("caller", "ada");
    }

    @Test
    void everyCallToTheNextHopIsInTheEdgesExactLatencyHistogram() throws Exception {
        KitFixture edge = KitFixture.shared();
        long before = callsToNextHop(edge);

        call(
                edge.withHeaders("authorization", "Bearer valid-ada"),
                ProbeService.RELAY,
                CallOptions.DEFAULT.withDeadlineAfter(CLIENT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS),
                "0");
        call(
                edge.withHeaders("authorization", "Bearer valid-ada"),
                ProbeService.RELAY,
                CallOptions.DEFAULT.withDeadlineAfter(CLIENT_DEADLINE_MILLIS, TimeUnit.MILLISECONDS),
                "0");

        assertThat(callsToNextHop(edge)).isEqualTo(before + 2);
    }

    /** The OK calls to the next hop in {@code /observe/rpc-latency}, checked against its histogram's count. */
    private static long callsToNextHop(KitFixture edge) throws Exception {
        HttpResponse<String> response = edge.http("/observe/rpc-latency", "application/json");
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode json = new ObjectMapper().readTree(response.body());
        assertThat(json.get("caller").asText()).isEqualTo(KitFixture.SHARED_NAME);
        for (JsonNode node : json.get("edges")) {
            if (node.get("target").asText().equals(KitFixture.NEXT_HOP)
                    && node.get("method").asText().equals(ProbeService.INSPECT.getFullMethodName())) {
                long ok = node.get("calls").path("OK").asLong();
                Histogram latency = CallLatencies.decode(node.get("histogram").asText());
                assertThat(latency.getTotalCount()).as("one latency per call").isEqualTo(ok);
                return ok;
            }
        }
        return 0;
    }
}
