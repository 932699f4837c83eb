package social.nova.gateway;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Where the gateway copies media bodies between two sockets (a download from the object store to
 * the client, a declared upload from the client to the store): on one of a few platform threads
 * when one is free, else on the request's own virtual thread, as before.
 *
 * <p>Why: a blocking socket read on a virtual thread that finds the socket empty parks the thread,
 * registers the socket with the JDK's poller, and is resumed by the poller thread on another
 * carrier; a bulk transfer finds its socket empty again and again. On a platform thread the same
 * read waits in the kernel. Measured on this 2-core machine with a 64 MiB download, four at a time
 * taking turns with the other way, eight rounds each: the gateway spent 0.96 ms of CPU per MiB on
 * platform threads and 1.15 ms on virtual ones; declared 64 MiB uploads 3.06 and 3.51 ms (the
 * first virtual batch, taken while the JIT was still compiling, left out)
 * ({@code README}, "Media in ./nova bench").
 *
 * <p>No queue: a copy that finds every thread busy (a slow client holds one until it is done or the
 * transfer deadline passes) runs on its request's thread at once, so a slow client never delays
 * another. The threads are idle-reaped after 30 s.
 */
final class BulkCopies implements AutoCloseable {
    private final ThreadPoolExecutor threads;

    /** @param threads the most copies that run on platform threads at once (0: every copy stays on its request's thread) */
    BulkCopies(int threads) {
        this.threads = threads == 0
                ? null
                : new ThreadPoolExecutor(
                        0,
                        threads,
                        30,
                        TimeUnit.SECONDS,
                        new SynchronousQueue<>(),
                        Thread.ofPlatform().name("media-copy-", 0).daemon(true).factory(),
                        new ThreadPoolExecutor.CallerRunsPolicy());
    }

    /**
     * Runs {@code copy} on a free platform thread, or on this thread if none is free, and returns
     * its result or throws what it threw. Interrupted while waiting, it interrupts the copy too
     * (which stops at its next read or write, or when its deadline passes).
     */
    <T> T run(Callable<T> copy) throws Exception {
        if (threads == null) {
            return copy.call();
        }
        Future<T> running = threads.submit(copy);
        try {
            return running.get();
        } catch (InterruptedException e) {
            running.cancel(true);
            throw e;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdownNow();
        }
    }
}
