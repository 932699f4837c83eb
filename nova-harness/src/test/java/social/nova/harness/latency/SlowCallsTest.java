package social.nova.harness.latency;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SlowCallsTest {
    /** What nova-rpc serves: one call of 686.1 ms that ended at 15:52:01.500. */
    private static final String RPC_LATENCY = "{\"caller\":\"api-gateway\",\"unit\":\"microseconds\",\"edges\":[],"
            + "\"slowCallMicros\":250000,\"slowCalls\":[{\"target\":\"content-service\","
            + "\"method\":\"nova.content.v1.ContentService/CreatePost\",\"code\":\"OK\",\"micros\":686100,"
            + "\"endedAt\":\"2026-12-02T15:52:01.500Z\"}]}";

    /** What the service kit serves: one pause during that call, one long after it. */
    private static final String PAUSES = "{\"service\":\"content-service\",\"pauses\":9,\"totalMicros\":1,"
            + "\"maxMicros\":1,\"keptFromMicros\":20000,\"recent\":["
            + "{\"collector\":\"Copy\",\"action\":\"end of minor GC\",\"cause\":\"Allocation Failure\","
            + "\"micros\":210000,\"startedAt\":\"2026-12-02T15:52:01.000Z\"},"
            + "{\"collector\":\"Copy\",\"action\":\"end of minor GC\",\"cause\":\"Allocation Failure\","
            + "\"micros\":150000,\"startedAt\":\"2026-12-02T15:53:00.000Z\"}]}";

    @Test
    void aSlowCallIsShownWithThePausesThatOverlappedItOnly() {
        List<SlowCalls.SlowCall> calls = SlowCalls.slowCalls("api-gateway", "localhost:32801", RPC_LATENCY);
        List<SlowCalls.Pause> pauses = SlowCalls.pauses("content-service", "localhost:32790", PAUSES);

        assertThat(calls).singleElement().satisfies(call -> {
            assertThat(call.method()).isEqualTo("CreatePost");
            assertThat(call.startedAt()).hasToString("2026-12-02T15:52:00.813900Z");
        });
        assertThat(SlowCalls.explain(calls, pauses))
                .containsExactly("api-gateway (localhost:32801) -> content-service CreatePost OK: 686.1 ms, "
                        + "2026-12-02T15:52:00.813900Z to 2026-12-02T15:52:01.500Z; content-service (localhost:32790) "
                        + "paused 210 ms from 2026-12-02T15:52:01Z (Copy, Allocation Failure)");
    }

    @Test
    void aSlowCallThatNoPauseExplainsSaysSo() {
        List<SlowCalls.SlowCall> calls = SlowCalls.slowCalls("api-gateway", "localhost:32801", RPC_LATENCY);

        assertThat(SlowCalls.explain(calls, List.of()))
                .singleElement()
                .asString()
                .endsWith("; no JVM of the stack paused meanwhile");
    }
}
