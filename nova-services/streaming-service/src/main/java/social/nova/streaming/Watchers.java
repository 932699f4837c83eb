package social.nova.streaming;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.stub.ServerCallStreamObserver;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.NovaException;
import social.nova.kit.Protos;

/**
 * The open WatchStream calls of this instance. Once per watch interval one ticker reads the status
 * of every watched stream (one query) and their viewer counts (one Redis pipeline, which also renews
 * the presence of watching viewers who joined), and hands each call the state; a call sends it only
 * if it changed, and never sooner than an interval after its previous one (the first state, sent at
 * once, included), so a client gets at most one update per interval. Status comes from PostgreSQL and
 * counts from Redis, so every instance shows the same numbers, and a restarted instance's watchers
 * reconnect to the same state.
 *
 * <p>Each call has its own virtual thread, the only one that writes to it, holding just the latest
 * state: Helidon's gRPC server blocks a write until the client's HTTP/2 window opens (at most its
 * flow-control timeout, then it cancels the call), and a slow client must not hold up the others;
 * it simply skips the states it had no room for.
 */
final class Watchers implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Watchers.class.getName());

    private final Jdbi jdbi;
    private final StreamStore store;
    private final Viewers viewers;
    private final Duration interval;
    private final Clock clock;
    private final Map<UUID, Set<Watch>> byStream = new ConcurrentHashMap<>();
    private final Thread ticker;
    private volatile boolean draining;

    Watchers(Jdbi jdbi, StreamStore store, Viewers viewers, Duration interval, Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.viewers = viewers;
        this.interval = interval;
        this.clock = clock;
        this.ticker = Thread.ofVirtual().name("streaming-watchers").unstarted(this::tickLoop);
    }

    Watchers start() {
        ticker.start();
        return this;
    }

    /** Serves one WatchStream call on {@code stream} (visible to {@code viewer}) until it ends or is cancelled. */
    void watch(UUID viewer, Stream stream, ServerCallStreamObserver<WatchStreamResponse> observer) {
        if (draining) {
            throw NovaException.unavailable("streaming-service is shutting down; reconnect");
        }
        State first;
        if (stream.ended()) {
            first = new State(Stream.Status.ENDED, 0);
        } else {
            try {
                first = new State(stream.status(), viewers.count(stream.id()).viewers());
            } catch (RuntimeException e) {
                throw StreamingErrors.viewersUnavailable(e);
            }
        }
        Watch watch = new Watch(viewer, stream.id(), observer);
        observer.setOnCancelHandler(watch::cancel);
        if (!first.ended()) {
            byStream.computeIfAbsent(stream.id(), id -> ConcurrentHashMap.newKeySet())
                    .add(watch);
        }
        watch.offer(first, clock.instant());
        Thread.ofVirtual().name("watch-" + stream.id()).start(watch::run);
    }

    /**
     * The instance drains at shutdown (after it left Consul): every call ends UNAVAILABLE so that
     * clients reconnect to another instance, and new ones are refused.
     */
    void drain() {
        draining = true;
        byStream.values()
                .forEach(watches -> watches.forEach(watch ->
                        watch.end(NovaException.unavailable("streaming-service is shutting down; reconnect"))));
    }

    @Override
    public void close() {
        ticker.interrupt();
        drain();
    }

    private void tickLoop() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(interval);
                tick();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // PostgreSQL or Redis is away: the calls keep their last state until they are back.
                LOG.log(System.Logger.Level.WARNING, "Watched streams not brought up to date; retrying", e);
            }
        }
    }

    /** One round: every watched stream's status and count, to every call on it. */
    void tick() {
        if (byStream.isEmpty()) {
            return;
        }
        List<UUID> streams = List.copyOf(byStream.keySet());
        Map<UUID, Stream.Status> statuses = jdbi.withHandle(handle -> store.statuses(handle, streams));
        Map<UUID, Set<UUID>> watching = new HashMap<>();
        for (UUID stream : streams) {
            if (statuses.get(stream) != Stream.Status.ENDED) {
                Set<UUID> users = new HashSet<>();
                byStream.getOrDefault(stream, Set.of()).forEach(watch -> users.add(watch.viewer));
                watching.put(stream, users);
            }
        }
        Map<UUID, Long> counts = viewers.renewAndCount(watching.keySet(), watching);
        Instant observed = clock.instant();
        for (UUID stream : streams) {
            Stream.Status status = statuses.getOrDefault(stream, Stream.Status.ENDED);
            State state = status == Stream.Status.ENDED
                    ? new State(Stream.Status.ENDED, 0)
                    : new State(status, counts.getOrDefault(stream, 0L));
            byStream.getOrDefault(stream, Set.of()).forEach(watch -> watch.offer(state, observed));
        }
    }

    private void remove(Watch watch) {
        byStream.computeIfPresent(watch.stream, (id, watches) -> {
            watches.remove(watch);
            return watches.isEmpty() ? null : watches;
        });
    }

    /** What a call shows: the status and the viewers counted. */
    private record State(Stream.Status status, long viewers) {
        boolean ended() {
            return status == Stream.Status.ENDED;
        }
    }

    /** One open call and its writer. */
    private final class Watch {
        final UUID viewer;
        final UUID stream;
        private final ServerCallStreamObserver<WatchStreamResponse> observer;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        private State pending;
        private Instant pendingAt;
        private State offered;
        private NovaException ending;
        private boolean cancelled;

        Watch(UUID viewer, UUID stream, ServerCallStreamObserver<WatchStreamResponse> observer) {
            this.viewer = viewer;
            this.stream = stream;
            this.observer = observer;
        }

        /** The latest state, observed at {@code at}; the writer sends it unless the call already shows it. */
        void offer(State state, Instant at) {
            lock.lock();
            try {
                if (!state.equals(offered)) {
                    offered = state;
                    pending = state;
                    pendingAt = at;
                    changed.signal();
                }
            } finally {
                lock.unlock();
            }
        }

        void end(NovaException error) {
            lock.lock();
            try {
                ending = error;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void cancel() {
            lock.lock();
            try {
                cancelled = true;
                changed.signal();
            } finally {
                lock.unlock();
            }
        }

        void run() {
            long lastSent = 0;
            boolean sent = false;
            try {
                while (true) {
                    State next;
                    Instant at;
                    NovaException error;
                    lock.lock();
                    try {
                        while (pending == null && ending == null && !cancelled) {
                            changed.await();
                        }
                        // At most one update per interval on this call, the first state included
                        // (a tick may come just after it): the latest state is sent when the
                        // interval has passed. An error ends the call at once.
                        long wait = sent ? lastSent + interval.toNanos() - System.nanoTime() : 0;
                        while (wait > 0 && ending == null && !cancelled) {
                            wait = changed.awaitNanos(wait);
                        }
                        if (cancelled) {
                            return;
                        }
                        next = pending;
                        at = pendingAt;
                        pending = null;
                        error = ending;
                    } finally {
                        lock.unlock();
                    }
                    if (error != null) {
                        observer.onError(error);
                        return;
                    }
                    observer.onNext(WatchStreamResponse.newBuilder()
                            .setStatus(StreamingProtos.status(next.status()))
                            .setViewerCount(next.viewers())
                            .setUpdatedAt(Protos.timestamp(at))
                            .build());
                    lastSent = System.nanoTime();
                    sent = true;
                    if (next.ended()) {
                        observer.onCompleted();
                        return;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                // The client went away mid-write (cancelled): nothing to tell it.
                LOG.log(System.Logger.Level.DEBUG, "A WatchStream call ended while writing", e);
            } finally {
                remove(this);
            }
        }
    }
}
