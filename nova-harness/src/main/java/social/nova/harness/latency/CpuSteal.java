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

    /** Stolen ticks over all ticks between two readings; empty if either is missing or no tick passed. */
    public static OptionalDouble share(Optional<Ticks> before, Optional<Ticks> after) {
        if (before.isEmpty() || after.isEmpty()) {
            return OptionalDouble.empty();
        }
        long total = after.get().total() - before.get().total();
        return total <= 0
                ? OptionalDouble.empty()
                : OptionalDouble.of((double) (after.get().steal() - before.get().steal()) / total);
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
