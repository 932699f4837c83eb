package social.nova.harness.latency;

import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CpuStealTest {
    @Test
    void readsStealAndTheTotalFromTheAggregateLineWithoutCountingGuestsTwice() {
        String stat = """
                cpu  1000 10 500 8000 100 5 15 370 40 0
                cpu0 500 5 250 4000 50 3 7 185 20 0
                intr 123 0 0
                """;
        assertThat(CpuSteal.parse(stat)).isEqualTo(new CpuSteal.Ticks(370, 10_000));
    }

    @Test
    void theShareIsStolenTicksOverAllTicksBetweenTwoReadings() {
        Optional<CpuSteal.Ticks> before = Optional.of(new CpuSteal.Ticks(370, 10_000));
        Optional<CpuSteal.Ticks> after = Optional.of(new CpuSteal.Ticks(420, 20_000));
        assertThat(CpuSteal.share(before, after).getAsDouble()).isEqualTo(0.005);
    }

    @Test
    void withoutReadingsOrWithoutTimeThereIsNoShare() {
        Optional<CpuSteal.Ticks> reading = Optional.of(new CpuSteal.Ticks(370, 10_000));
        assertThat(CpuSteal.share(Optional.empty(), reading)).isEmpty();
        assertThat(CpuSteal.share(reading, reading)).isEmpty();
    }

    @Test
    void aProcStatWithoutAStealColumnIsRefused() {
        assertThatThrownBy(() -> CpuSteal.parse("cpu 1 2 3 4\n")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void thisMachineHasTheCounters() {
        // The harness runs on Linux (Docker): the steal guard must see the machine it runs on.
        assertThat(CpuSteal.now()).isPresent();
    }
}
