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
    void aVirtualMachineWhoseStealCounterNeverMovedDoesNotReportStealSoItsShareIsUnknown() {
        Optional<CpuSteal.Ticks> before = Optional.of(new CpuSteal.Ticks(0, 10_000));
        Optional<CpuSteal.Ticks> after = Optional.of(new CpuSteal.Ticks(0, 20_000));
        assertThat(CpuSteal.share(before, after, true)).isEmpty();
        assertThat(CpuSteal.share(before, after, false).getAsDouble())
                .as("a machine that is not virtual has no steal")
                .isZero();
        Optional<CpuSteal.Ticks> reported = Optional.of(new CpuSteal.Ticks(7, 20_000));
        assertThat(CpuSteal.share(before, reported, true).getAsDouble()).isEqualTo(0.0007);
    }

    @Test
    void theHypervisorFlagIsReadFromTheFlagsLine() {
        assertThat(CpuSteal.hypervisorFlag("model name\t: AMD EPYC\nflags\t\t: fpu vme hypervisor lahf_lm\n"))
                .isTrue();
        assertThat(CpuSteal.hypervisorFlag("flags\t\t: fpu vme lahf_lm\n")).isFalse();
        assertThat(CpuSteal.hypervisorFlag("flags\t\t: fpu hypervisor_x\n")).isFalse();
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
