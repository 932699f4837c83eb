package social.nova.harness.latency;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.HdrHistogram.Histogram;

/**
 * How long this machine's disk takes to make a small write durable, sampled beside a load run:
 * every {@code interval}, 8 KiB written to a file and {@code fdatasync}ed ({@link
 * FileChannel#force(boolean) force(false)}), as a database commit does with its log. On a virtual
 * disk shared with other tenants this is the other part of a run that Nova does not decide (with
 * {@link CpuSteal}): measured on this kind of machine, single syncs of 0.1-0.8 s while the median
 * stays under a millisecond. A test stack's PostgreSQL commits without waiting for the disk
 * ({@code PlatformContainers.postgres}), so these stalls are reported beside the calls, not inside
 * them.
 */
public final class DiskStalls implements AutoCloseable {
    private static final int BLOCK = 8 * 1024;

    private final Path file;
    private final Duration interval;
    private final Histogram micros = new Histogram(3);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread sampler;

    private DiskStalls(Path file, Duration interval) {
        this.file = file;
        this.interval = interval;
        this.sampler = Thread.ofPlatform().daemon().name("nova-disk-stalls").start(this::sample);
    }

    /** Starts sampling the disk of {@code directory} (a file of its own in it, removed at the end). */
    public static DiskStalls start(Path directory, Duration interval) throws IOException {
        Files.createDirectories(directory);
        return new DiskStalls(Files.createTempFile(directory, "nova-disk-stalls", ".bin"), interval);
    }

    private void sample() {
        ByteBuffer block = ByteBuffer.allocateDirect(BLOCK);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (running.get()) {
                block.clear();
                long started = System.nanoTime();
                channel.write(block, 0);
                channel.force(false);
                long took = System.nanoTime() - started;
                synchronized (micros) {
                    micros.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(took)));
                }
                Thread.sleep(interval);
            }
        } catch (IOException e) {
            // A disk that cannot be sampled ends the sampling; the summary counts what was taken.
            running.set(false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The syncs so far, in milliseconds (none if the disk could not be written). */
    public LatencySummary summary() {
        synchronized (micros) {
            return LatencySummary.ofMicros(micros);
        }
    }

    /** Stops sampling and removes the file; the summary stays readable. */
    @Override
    public void close() throws IOException {
        running.set(false);
        try {
            sampler.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(file);
    }
}
