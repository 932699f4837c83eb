package social.nova.redis;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import redis.clients.jedis.CommandObject;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;

/**
 * Bounds every non-blocking command, as its caller sees it, by one timeout: waiting for a pooled
 * connection, opening and initialising a new one, sending and reading the reply. Jedis bounds
 * each of those steps by its own setting ({@code pool.max-wait}, {@code connect-timeout}, the
 * socket timeout of each handshake command and of the command), so against a frozen Redis a
 * caller could wait for their sum, several seconds. Past the timeout the caller gets a
 * {@link JedisConnectionException}, which the cache and the rate limiter treat as Redis being
 * unreachable.
 *
 * <ul>
 *   <li>A <b>virtual thread</b> (every request of a Nova service) runs the command itself, with no
 *       hand-off: a watchdog thread interrupts one past its deadline. Interrupting a virtual thread
 *       blocked on a socket closes that socket (the broken connection leaves the pool), and one
 *       waiting for a pooled connection stops waiting. The interrupt is cleared before the caller
 *       goes on. The watchdog sleeps until the earliest deadline of the commands in flight, plus
 *       {@value #SWEEP_MILLIS} ms of slack, so the bound is the timeout plus at most that; with no
 *       command started for a whole timeout it sleeps until the next one starts. (It used to look
 *       every 20 ms whatever was in flight: 50 wake-ups a second in every idle JVM, 5.5 ms of CPU
 *       a second each, measured per thread in {@code /proc} on the {@code ./nova up} stack.)</li>
 *   <li>A <b>platform thread</b> cannot be interrupted out of a socket read: its command runs on a
 *       virtual thread and the caller waits for it at most the timeout, then interrupts it.</li>
 *   <li>Blocking commands ({@code XREADGROUP ... BLOCK}) run as they are, bounded by
 *       {@code blocking-socket-timeout}: only background consumers use them.</li>
 * </ul>
 */
final class TimeLimitedCommandExecutor implements CommandExecutor {
    static final long SWEEP_MILLIS = 20;

    private final CommandExecutor delegate;
    private final Duration timeout;
    private final long timeoutNanos;
    private final ExecutorService commands = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("nova-redis-command").factory());
    private final Set<Watched> inFlight = ConcurrentHashMap.newKeySet();
    private final Thread watchdog;
    /** Commands started on callers since the watchdog last looked; 0 for a whole sweep means idle. */
    private final AtomicInteger started = new AtomicInteger();
    /** Set while the watchdog sleeps with no deadline: the next command wakes it. */
    private volatile boolean idle;

    private volatile boolean closed;

    TimeLimitedCommandExecutor(CommandExecutor delegate, Duration timeout) {
        this.delegate = delegate;
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.watchdog = Thread.ofPlatform().daemon().name("nova-redis-watchdog").start(this::watch);
    }

    @Override
    public <T> T executeCommand(CommandObject<T> command) {
        if (command.getArguments().isBlocking()) {
            return delegate.executeCommand(command);
        }
        return Thread.currentThread().isVirtual() ? onCaller(command) : onVirtualThread(command);
    }

    /** The command on the calling virtual thread, interrupted by the watchdog past its deadline. */
    private <T> T onCaller(CommandObject<T> command) {
        Watched watched = new Watched(Thread.currentThread(), System.nanoTime() + timeoutNanos);
        inFlight.add(watched);
        started.incrementAndGet();
        if (idle) {
            LockSupport.unpark(watchdog);
        }
        try {
            return delegate.executeCommand(command);
        } catch (RuntimeException e) {
            if (watched.interrupted()) {
                throw new JedisConnectionException("Redis did not answer within " + timeout, e);
            }
            throw e;
        } finally {
            inFlight.remove(watched);
            if (!watched.finish()) {
                // The watchdog claimed this command: its interrupt was for the command, not for
                // whatever the caller does next.
                watched.awaitInterrupt();
                Thread.interrupted();
            }
        }
    }

    private <T> T onVirtualThread(CommandObject<T> command) {
        Future<T> reply = commands.submit(() -> delegate.executeCommand(command));
        try {
            return reply.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            reply.cancel(true);
            throw new JedisConnectionException("Redis did not answer within " + timeout, e);
        } catch (InterruptedException e) {
            reply.cancel(true);
            Thread.currentThread().interrupt();
            throw new JedisConnectionException("interrupted while waiting for Redis", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new JedisConnectionException(cause);
        }
    }

    /**
     * Interrupts the commands past their deadline, then sleeps until the earliest deadline still to
     * come (every command has the same timeout, so one started meanwhile ends later). With nothing in
     * flight it sleeps a timeout, and if no command started in that time, until one does: the
     * caller wakes it after adding its command, and the watchdog looks at the commands again after
     * announcing it sleeps, so neither can miss the other.
     */
    private void watch() {
        long slack = TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        while (!closed) {
            long now = System.nanoTime();
            long sleep = timeoutNanos;
            for (Watched watched : inFlight) {
                long left = watched.deadline - now;
                if (left <= 0) {
                    watched.interruptIfRunning();
                } else {
                    sleep = Math.min(sleep, left);
                }
            }
            if (started.getAndSet(0) == 0 && inFlight.isEmpty()) {
                idle = true;
                if (inFlight.isEmpty() && !closed) {
                    LockSupport.park(this);
                }
                idle = false;
            } else {
                LockSupport.parkNanos(this, sleep + slack);
            }
        }
    }

    /** Whether the watchdog sleeps until the next command (tests). */
    boolean idle() {
        return idle;
    }

    /** The number of commands the watchdog is watching (tests). */
    int watching() {
        return inFlight.size();
    }

    @Override
    public void close() throws Exception {
        closed = true;
        LockSupport.unpark(watchdog);
        commands.shutdownNow();
        delegate.close();
    }

    /** One command on a caller's virtual thread; finished by the caller or interrupted by the watchdog, once. */
    private static final class Watched {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int INTERRUPTING = 2;
        private static final int INTERRUPTED = 3;

        private final Thread caller;
        private final long deadline;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        Watched(Thread caller, long deadline) {
            this.caller = caller;
            this.deadline = deadline;
        }

        /** True if the caller finished first (no interrupt is coming). */
        boolean finish() {
            return state.compareAndSet(RUNNING, FINISHED);
        }

        boolean interrupted() {
            return state.get() >= INTERRUPTING;
        }

        void interruptIfRunning() {
            if (state.compareAndSet(RUNNING, INTERRUPTING)) {
                caller.interrupt();
                state.set(INTERRUPTED);
            }
        }

        void awaitInterrupt() {
            while (state.get() != INTERRUPTED) {
                Thread.onSpinWait();
            }
        }
    }
}
