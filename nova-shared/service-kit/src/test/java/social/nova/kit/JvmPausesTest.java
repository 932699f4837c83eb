package social.nova.kit;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class JvmPausesTest {
    @Test
    void aCollectionOfThisJvmIsCountedAsItHappens() {
        try (JvmPauses pauses = JvmPauses.start()) {
            System.gc();
            // Notifications arrive on the JVM's own thread, shortly after the collection.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> pauses.toJson("probe").matches("\\{\"service\":\"probe\",\"pauses\":[1-9].*"));
        }
    }

    @Test
    void everyPauseCountsAndThoseOfTwentyMillisecondsOrMoreAreKeptWithTheirStart() {
        JvmPauses pauses = unlistened();
        Instant at = Instant.parse("2026-12-02T15:49:14.380Z");
        pauses.record(new JvmPauses.Pause("Copy", "end of minor GC", "Allocation Failure", 19_000, at));
        pauses.record(new JvmPauses.Pause("Copy", "end of minor GC", "Allocation Failure", 203_936_000, at));

        assertThat(pauses.recent()).singleElement().satisfies(pause -> {
            assertThat(pause.micros()).isEqualTo(203_936_000);
            assertThat(pause.startedAt()).isEqualTo(at);
        });
        assertThat(pauses.toJson("user-service"))
                .isEqualTo("{\"service\":\"user-service\",\"pauses\":2,\"totalMicros\":203955000,"
                        + "\"maxMicros\":203936000,\"keptFromMicros\":20000,\"recent\":[{\"collector\":\"Copy\","
                        + "\"action\":\"end of minor GC\",\"cause\":\"Allocation Failure\",\"micros\":203936000,"
                        + "\"startedAt\":\"2026-12-02T15:49:14.380Z\"}]}");

        for (int i = 0; i < JvmPauses.KEPT + 5; i++) {
            pauses.record(new JvmPauses.Pause("Copy", "end of minor GC", "Allocation Failure", 30_000 + i, at));
        }
        assertThat(pauses.recent())
                .hasSize(JvmPauses.KEPT)
                .first()
                .satisfies(pause -> assertThat(pause.micros()).isEqualTo(30_005));
    }

    @Test
    void concurrentPhasesAreNotPauses() {
        assertThat(JvmPauses.isConcurrent("ZGC Minor Cycles", "Allocation Rate"))
                .isTrue();
        assertThat(JvmPauses.isConcurrent("ZGC Major Cycles", "Warmup")).isTrue();
        assertThat(JvmPauses.isConcurrent("Shenandoah Cycles", "Concurrent GC")).isTrue();
        assertThat(JvmPauses.isConcurrent("G1 Concurrent GC", "G1 Periodic Collection"))
                .isTrue();
        assertThat(JvmPauses.isConcurrent("ZGC Minor Pauses", "Allocation Rate"))
                .isFalse();
        assertThat(JvmPauses.isConcurrent("G1 Young Generation", "G1 Evacuation Pause"))
                .isFalse();
        assertThat(JvmPauses.isConcurrent("Copy", "Allocation Failure")).isFalse();
        assertThat(JvmPauses.isConcurrent("MarkSweepCompact", "Metadata GC Threshold"))
                .isFalse();
    }

    /** A JvmPauses that no longer listens, for recording by hand. */
    private static JvmPauses unlistened() {
        JvmPauses pauses = JvmPauses.start();
        pauses.close();
        return pauses;
    }
}
