package social.nova.rpc;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * Creates meters that a request path needs for the first time (a new method, status code or
 * route) on one platform thread, never on the request's virtual thread. The one way Nova code
 * registers a meter while serving.
 *
 * <p>Why: Micrometer (1.15) adds a meter inside {@code synchronized (meterMapLock)} and calls
 * the registry's listeners there; Helidon's registry listens and takes the write half of its
 * own read-write lock, which {@code /observe/metrics} holds for reading while it writes a scrape.
 * On Java 21 a virtual thread that waits for that lock inside the monitor pins its carrier. At
 * the start of a load every call creates its meters at once: with every carrier pinned, the
 * scrape that holds the lock could not be scheduled again, and the gateway stopped answering
 * anything, health checks included (seen twice in the harness's latency run: the gateway's last
 * log line at the burst, three carriers each "Carrying virtual thread", no answer for minutes).
 * Here the waiting virtual thread parks on a {@link Future} and unmounts; the one platform thread
 * that waits in the monitor holds no carrier. Meters are created once each, so this costs nothing
 * after the first call of each kind; callers cache what they get.
 */
public final class MeterRegistration {
    private static final ExecutorService REGISTRAR = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("nova-meter-registration").factory());

    private MeterRegistration() {}

    /**
     * The meter {@code registration} creates (or finds), created on the registration thread when
     * the caller is a virtual thread, directly otherwise. The caller must not hold a monitor
     * (nor call this inside {@code ConcurrentHashMap.computeIfAbsent}, which holds one).
     */
    public static <T> T create(Supplier<T> registration) {
        if (!Thread.currentThread().isVirtual()) {
            return registration.get();
        }
        Future<T> created = REGISTRAR.submit(registration::get);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return created.get();
                } catch (InterruptedException e) {
                    // The meter is being created anyway; a cancelled call still records its outcome.
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("creating a meter failed", cause);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
