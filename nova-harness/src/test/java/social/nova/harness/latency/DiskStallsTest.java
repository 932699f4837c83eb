package social.nova.harness.latency;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DiskStallsTest {
    @Test
    void samplesSyncsOfItsOwnFileAndRemovesItWhenClosed(@TempDir Path directory) throws Exception {
        DiskStalls stalls = DiskStalls.start(directory, Duration.ofMillis(1));
        try (stalls) {
            await().atMost(Duration.ofSeconds(30)).until(() -> stalls.summary().count() >= 5);
            try (var files = Files.list(directory)) {
                assertThat(files).hasSize(1);
            }
        }
        LatencySummary summary = stalls.summary();
        assertThat(summary.max()).isGreaterThanOrEqualTo(summary.p50()).isPositive();
        try (var files = Files.list(directory)) {
            assertThat(files).isEmpty();
        }
        long taken = summary.count();
        assertThat(stalls.summary().count()).as("no sample after close").isEqualTo(taken);
    }
}
