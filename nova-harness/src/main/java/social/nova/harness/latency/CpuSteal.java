package social.nova.harness.latency;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The share of this machine's CPU time that its hypervisor gave to other tenants ("steal",
 * {@code /proc/stat}) over a stretch of time. On a shared virtual machine it is the one part of a
 * latency run that neither Nova nor the load decide, and it decides the tail: measured on this kind
 * of machine, the same stack, load and code gave a slowest gRPC p99 of 25.1 ms in a run with
 * 0.19 % steal and 68.7 ms in one with 6.49 % minutes later (with single seconds at 27 %).
 *
 * <p>Not every hypervisor reports steal: on some virtual machines of this kind the counter stays at
 * 0 since boot, however loaded (seen on 2026-12-02: 0 ticks after 1.5 h with both cores busy, on
 * the machine where the landed code's gRPC p99s were 60-135 ms against 20-27 ms on machines that
 * reported 0.1-0.7 % steal). There a share of 0 would be a guess, so it is unknown.
 */
public final class CpuSteal {
    private static final Path PROC_STAT = Path.of("/proc/stat");

    private CpuSteal() {}

    /** The machine's cumulative CPU ticks: stolen ones and all of them. */
    public record Ticks(long steal, long total) {}

    /** The counters now; empty where the system has no {@code /proc/stat} (not Linux). */
    public static Optional<Ticks> now() {
        try {
            return Files.isReadable(PROC_STAT) ? Optional.of(parse(Files.readString(PROC_STAT))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * Stolen ticks over all ticks between two readings; empty if either is missing, no tick passed, or
     * this is a virtual machine whose hypervisor does not report steal.
     */
    public static OptionalDouble share(Optional<Ticks> before, Optional<Ticks> after) {
        return share(before, after, virtualMachine());
    }

    /**
     * As {@link #share(Optional, Optional)}, on a virtual machine or not. A virtual machine whose
     * steal counter is still 0 since boot does not report steal: its share is unknown, not 0.
     */
    static OptionalDouble share(Optional<Ticks> before, Optional<Ticks> after, boolean virtualMachine) {
        if (before.isEmpty()
                || after.isEmpty()
                || (virtualMachine && after.get().steal() == 0)) {
            return OptionalDouble.empty();
        }
        long total = after.get().total() - before.get().total();
        return total <= 0
                ? OptionalDouble.empty()
                : OptionalDouble.of((double) (after.get().steal() - before.get().steal()) / total);
    }

    /** Whether the CPU says it runs under a hypervisor (the {@code hypervisor} flag of {@code /proc/cpuinfo}). */
    static boolean virtualMachine() {
        try {
            Path cpuinfo = Path.of("/proc/cpuinfo");
            return Files.isReadable(cpuinfo) && hypervisorFlag(Files.readString(cpuinfo));
        } catch (IOException e) {
            return false;
        }
    }

    static boolean hypervisorFlag(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("flags")
                    && (" " + line.substring(line.indexOf(':') + 1) + " ").contains(" hypervisor ")) {
                return true;
            }
        }
        return false;
    }

    /**
     * The aggregate {@code cpu} line: user nice system idle iowait irq softirq steal (guest and
     * guest_nice are already counted in user and nice, so they are left out of the total).
     */
    static Ticks parse(String procStat) {
        for (String line : procStat.split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length > 8 && "cpu".equals(fields[0])) {
                long total = 0;
                for (int i = 1; i <= 8; i++) {
                    total += Long.parseLong(fields[i]);
                }
                return new Ticks(Long.parseLong(fields[8]), total);
            }
        }
        throw new IllegalArgumentException("no aggregate cpu line with a steal column in /proc/stat");
    }
}
