package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.stub.ServerCallStreamObserver;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.NovaException;

/**
 * One open StreamMessages call. {@link LiveStreams} offers it the live events of its user's
 * conversations from the moment it is registered; its own virtual thread (the only one that writes
 * to the call) first delivers the catch-up from PostgreSQL, then the queued and later live events,
 * each conversation in id order and each message once ({@link Watermarks}).
 *
 * <p>Bounded: at most {@code maxQueued} events wait for a slow client; one more ends the stream
 * with UNAVAILABLE, and the client resumes with after_message_id. The worker waits for
 * {@code isReady()} before each write (grpc-java's flow control). Helidon 4.5's gRPC server reports
 * every call ready and instead blocks the write until the client's HTTP/2 window opens, at most
 * its {@code flow-control-timeout} (15 s), after which it cancels the call: either way a client
 * that stops reading costs one parked virtual thread and a bounded queue.
 */
final class MessageStream {
    private static final System.Logger LOG = System.getLogger(MessageStream.class.getName());
    private static final int CATCH_UP_PAGE = 100;
    /** Wakes the worker when the stream must end (queued behind whatever is pending). */
    private static final LiveEvent.Read WAKE_UP =
            new LiveEvent.Read(new ReadMarker(new UUID(0, 0), new UUID(0, 0), new UUID(0, 0), Instant.EPOCH));

    private final UUID user;
    private final UUID conversationId;
    private final UUID after;
    private final Instant expiresAt;
    private final ServerCallStreamObserver<StreamMessagesResponse> observer;
    private final MessageHistory history;
    private final int maxQueued;
    private final Clock clock;

    private final LinkedBlockingQueue<LiveEvent> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicReference<NovaException> ending = new AtomicReference<>();
    private final ReentrantLock readiness = new ReentrantLock();
    private final Condition ready = readiness.newCondition();
    private volatile boolean cancelled;

    /**
     * @param conversationId only this conversation's events, or null for all the user's
     * @param after          the resume point (after_message_id), or null to start live
     * @param expiresAt      when the caller's access token expires: the stream ends UNAUTHENTICATED then
     */
    MessageStream(
            UUID user,
            UUID conversationId,
            UUID after,
            Instant expiresAt,
            ServerCallStreamObserver<StreamMessagesResponse> observer,
            MessageHistory history,
            int maxQueued,
            Clock clock) {
        this.user = user;
        this.conversationId = conversationId;
        this.after = after;
        this.expiresAt = expiresAt;
        this.observer = observer;
        this.history = history;
        this.maxQueued = maxQueued;
        this.clock = clock;
        observer.setOnCancelHandler(() -> {
            cancelled = true;
            wake();
        });
        observer.setOnReadyHandler(this::wake);
    }

    UUID user() {
        return user;
    }

    /** Queues a live event of one of the user's conversations (called by the router's thread). */
    void offer(LiveEvent event) {
        if (conversationId != null && !conversationId.equals(event.conversationId())) {
            return;
        }
        if (event instanceof LiveEvent.Read read && read.marker().userId().equals(user)) {
            return; // the contract announces other participants' read positions
        }
        if (queued.incrementAndGet() > maxQueued) {
            end(NovaException.unavailable(
                    "the stream fell behind (more than " + maxQueued + " events queued); resume with after_message_id",
                    Duration.ofSeconds(1)));
            return;
        }
        queue.add(event);
    }

    /** Ends the stream with {@code reason} as soon as its worker sees it; the first reason wins. */
    void end(NovaException reason) {
        if (ending.compareAndSet(null, reason)) {
            wake();
        }
    }

    /** The worker: catch-up, then live events until the stream ends. */
    void run(Runnable onClose) {
        try {
            Watermarks marks = start();
            while (!cancelled) {
                NovaException reason = ending.get();
                if (reason != null) {
                    observer.onError(reason);
                    return;
                }
                Duration untilExpiry = Duration.between(clock.instant(), expiresAt);
                if (!untilExpiry.isPositive()) {
                    observer.onError(NovaException.unauthenticated(
                            "the access token expired; reconnect with a fresh one and resume with after_message_id"));
                    return;
                }
                LiveEvent event = queue.poll(untilExpiry.toMillis() + 1, TimeUnit.MILLISECONDS);
                if (event != null && event != WAKE_UP) {
                    queued.decrementAndGet();
                    deliver(event, marks);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            observer.onError(NovaException.unavailable("the server is shutting down; reconnect and resume"));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "stream of user " + user + " failed", e);
            if (!cancelled) {
                observer.onError(NovaException.from(e));
            }
        } finally {
            onClose.run();
        }
    }

    /**
     * The marks the stream starts from. Resuming: every message after the resume point, oldest
     * first, read from PostgreSQL after the stream was registered for live events, so that each
     * message committed after the resume point is either read here or arrives live (or both: the
     * marks drop the second). Live: each conversation's newest message as it is now.
     */
    private Watermarks start() {
        if (after == null) {
            return new Watermarks(null, history.lastMessageIds(user));
        }
        Watermarks marks = new Watermarks(after, Map.of());
        UUID cursor = after;
        List<Message> page;
        do {
            page = history.after(user, conversationId, cursor, CATCH_UP_PAGE);
            for (Message message : page) {
                if (ending.get() != null || cancelled) {
                    return marks;
                }
                send(MessagingProtos.event(message, user));
                marks.delivered(message.conversationId(), message.id());
                cursor = message.id();
            }
        } while (page.size() == CATCH_UP_PAGE);
        return marks;
    }

    private void deliver(LiveEvent event, Watermarks marks) {
        switch (event) {
            case LiveEvent.Read read -> send(MessagingProtos.event(read.marker()));
            case LiveEvent.NewMessage(Message message, UUID previousId) -> {
                Watermarks.Decision decision = marks.decide(message.conversationId(), message.id(), previousId);
                if (decision instanceof Watermarks.Skip) {
                    return;
                }
                if (decision instanceof Watermarks.FillGap gap) {
                    // Committed before this message (its send waited for theirs), so readable now.
                    List<Message> missed = history.between(message.conversationId(), gap.after(), message.id());
                    for (Message earlier : missed) {
                        send(MessagingProtos.event(earlier, user));
                        marks.delivered(earlier.conversationId(), earlier.id());
                    }
                }
                send(MessagingProtos.event(message, user));
                marks.delivered(message.conversationId(), message.id());
            }
        }
    }

    /** Writes one event once the call is ready for it (or the stream ends meanwhile). */
    private void send(StreamMessagesResponse response) {
        readiness.lock();
        try {
            while (!observer.isReady() && !cancelled && ending.get() == null) {
                // Woken by onReady, a cancel or an end; the timeout only guards against a lost signal.
                if (!ready.await(1, TimeUnit.SECONDS)) {
                    continue;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            readiness.unlock();
        }
        if (!cancelled && ending.get() == null) {
            observer.onNext(response);
        }
    }

    private void wake() {
        queue.add(WAKE_UP);
        readiness.lock();
        try {
            ready.signalAll();
        } finally {
            readiness.unlock();
        }
    }
}
