package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ServerConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import social.nova.clients.auth.VerifiedToken;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code GET /api/v1/streams/{id}/events}: a live stream's status and viewer count as server-sent
 * events (Helidon's {@code helidon-webserver-sse}), each client's from one
 * {@code StreamingService/WatchStream} call (README, "Live-stream events").
 *
 * <p>Nothing is committed before WatchStream's first update: a refusal before it (an unknown stream,
 * a bad id, a refused token) is an ordinary error response in the gateway's shape, and a stream that
 * has ended already is a 204, which tells an {@code EventSource} to stop reconnecting. Then one
 * {@code data:} event per change, at most one per {@code min-interval} (updates in between are
 * merged, the newest wins), a comment line after {@code heartbeat} of silence, and the end of the
 * response when WatchStream ends. The request's own (virtual) thread writes; WatchStream's callbacks
 * only leave the newest update for it and wake it, and ask for the next one at once, so a slow client
 * costs one update, never a queue.
 *
 * <p>Calls go over nova-rpc's stream channel (as the real-time bridge's), with a deadline of
 * {@code max-duration} or the access token's expiry, whichever is first, instead of the request's
 * budget. Open event streams are bounded per user and per instance ({@link ConnectionLimits}); the
 * kit's drain ends them ({@link #goAway}), and their clients reconnect to another instance.
 */
final class LiveStreamEvents {
    /** Tells nginx-like proxies not to buffer the event stream. */
    static final HeaderName PROXY_BUFFERING = HeaderNames.create("X-Accel-Buffering");
    /** The event sent before the response ends for a reason reconnecting does not cure. */
    static final String FAILURE_EVENT = "failure";

    static final String HEARTBEAT_COMMENT = "keep-alive";

    private static final System.Logger LOG = System.getLogger(LiveStreamEvents.class.getName());

    private final LiveStreamEventsSettings settings;
    private final StreamingServiceGrpc.StreamingServiceStub watches;
    private final ObjectMapper mapper;
    private final ErrorResponses errors;
    private final ConnectionLimits limits;
    private final Set<Watch> open = ConcurrentHashMap.newKeySet();
    private volatile boolean goingAway;

    LiveStreamEvents(
            LiveStreamEventsSettings settings,
            StreamingServiceGrpc.StreamingServiceStub watches,
            Json json,
            ErrorResponses errors) {
        this.settings = settings;
        this.watches = watches;
        this.mapper = json.mapper();
        this.errors = errors;
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxPerUser());
    }

    /** The route's handler: runs until the event stream ends. */
    void stream(ServerRequest request, ServerResponse response, VerifiedToken token) throws Exception {
        String streamId = uuid(request, ID);
        if (!request.headers().isAccepted(MediaTypes.TEXT_EVENT_STREAM)) {
            errors.send(
                    response,
                    request,
                    Status.NOT_ACCEPTABLE_406,
                    NovaException.invalidArgument(
                            "this route answers text/event-stream only",
                            FieldViolation.of("Accept", "must accept text/event-stream")));
            return;
        }
        if (goingAway) {
            throw NovaException.unavailable("the gateway is shutting down; reconnect", Duration.ofSeconds(1));
        }
        Duration untilExpiry = Duration.between(Instant.now(), token.expiresAt());
        if (!untilExpiry.isPositive()) {
            throw NovaException.builder(ErrorCode.UNAUTHENTICATED, "the access token has expired; refresh it")
                    .reason("TOKEN_EXPIRED")
                    .domain(Authentication.DOMAIN)
                    .build();
        }
        ConnectionLimits.Refusal refusal = limits.acquire(token.userId());
        if (refusal != null) {
            throw refused(refusal);
        }
        Watch watch = new Watch(token);
        open.add(watch);
        try {
            if (goingAway) {
                watch.leave();
            }
            watch.run(streamId, response, untilExpiry);
        } finally {
            open.remove(watch);
            limits.release(token.userId());
        }
    }

    /** Ends every event stream (their clients reconnect elsewhere) and refuses new ones with 503. */
    void goAway() {
        goingAway = true;
        List<Watch> leaving = List.copyOf(open);
        if (!leaving.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "ending {0} live-stream event streams: going away", leaving.size());
        }
        leaving.forEach(Watch::leave);
    }

    private NovaException refused(ConnectionLimits.Refusal refusal) {
        return NovaException.builder(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        refusal == ConnectionLimits.Refusal.TOO_MANY_USER_CONNECTIONS
                                ? "too many live-stream event streams for this user (at most " + settings.maxPerUser()
                                        + ")"
                                : "the gateway holds as many live-stream event streams as it can; retry later")
                .reason(refusal.name())
                .domain(Authentication.DOMAIN)
                .retryAfter(Duration.ofSeconds(5))
                .build();
    }

    private byte[] json(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The data of the {@value #FAILURE_EVENT} event: the code and public message of the error response. */
    record Failure(String code, String message) {}

    /** What the writing thread does next. */
    private sealed interface Step {}

    /** Write this update. */
    private record Send(WatchStreamResponse update) implements Step {}

    /** Write a comment line: nothing happened for a heartbeat. */
    private record Heartbeat() implements Step {}

    /** WatchStream ended and every update was written. */
    private record End() implements Step {}

    /** One client's event stream and the WatchStream call behind it. */
    private final class Watch implements ClientResponseObserver<WatchStreamRequest, WatchStreamResponse> {
        private final VerifiedToken token;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        // Set before the call starts, read by its callbacks after.
        private volatile ClientCallStreamObserver<WatchStreamRequest> call;

        // Guarded by lock.
        private boolean started;
        private boolean completed;
        private boolean leaving;
        private WatchStreamResponse newest;
        private Throwable failure;

        Watch(VerifiedToken token) {
            this.token = token;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchStreamRequest> requests) {
            // One update at a time, asked for again as soon as one arrives (onNext): updates are merged here.
            requests.disableAutoRequestWithInitial(1);
            this.call = requests;
        }

        @Override
        public void onNext(WatchStreamResponse update) {
            lock.lock();
            try {
                newest = update;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
            call.request(1);
        }

        @Override
        public void onError(Throwable t) {
            end(t);
        }

        @Override
        public void onCompleted() {
            end(null);
        }

        private void end(Throwable t) {
            lock.lock();
            try {
                completed = true;
                failure = t;
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        /** The gateway drains: the call is cancelled and the response ends without a failure event. */
        void leave() {
            lock.lock();
            try {
                leaving = true;
                cancelLocked("the gateway is shutting down");
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }

        void run(String streamId, ServerResponse response, Duration untilExpiry) throws Exception {
            // The first update is part of the request's budget; the stream itself is not.
            Deadline budget = Context.current().getDeadline();
            long lifetime = Math.min(settings.maxDuration().toMillis(), untilExpiry.toMillis());
            Context.current()
                    .fork()
                    .run(() -> watches.withDeadlineAfter(lifetime, TimeUnit.MILLISECONDS)
                            .watchStream(
                                    WatchStreamRequest.newBuilder()
                                            .setStreamId(streamId)
                                            .build(),
                                    this));
            lock.lock();
            try {
                started = true;
                if (leaving) {
                    cancelLocked("the gateway is shutting down");
                }
            } finally {
                lock.unlock();
            }
            try {
                WatchStreamResponse first = awaitFirst(budget);
                if (first == null || first.getStatus() == StreamStatus.STREAM_STATUS_ENDED) {
                    // Nothing more will happen: 204 is how an EventSource is told to stop reconnecting.
                    response.status(Status.NO_CONTENT_204).send();
                    return;
                }
                response.header(PROXY_BUFFERING, "no");
                SseSink sink = response.sink(SseSink.TYPE);
                relay(sink, first);
                close(sink);
            } finally {
                lock.lock();
                try {
                    cancelLocked("the event stream ended");
                } finally {
                    lock.unlock();
                }
            }
        }

        /** Waits for the first update within the request's budget; null when the call completed without one. */
        private WatchStreamResponse awaitFirst(Deadline budget) throws InterruptedException {
            lock.lock();
            try {
                long remaining = budget == null ? Long.MAX_VALUE : budget.timeRemaining(TimeUnit.NANOSECONDS);
                while (newest == null && !completed) {
                    if (remaining <= 0) {
                        cancelLocked("no first update within the request's budget");
                        throw NovaException.builder(
                                        ErrorCode.DEADLINE_EXCEEDED,
                                        "streaming-service sent no first update of WatchStream in time")
                                .build();
                    }
                    remaining = changed.awaitNanos(remaining);
                }
                if (leaving) {
                    throw NovaException.unavailable("the gateway is shutting down; reconnect", Duration.ofSeconds(1));
                }
                if (newest == null && failure != null) {
                    throw failure instanceof RuntimeException e ? e : NovaException.from(failure);
                }
                WatchStreamResponse first = newest;
                newest = null;
                return first;
            } finally {
                lock.unlock();
            }
        }

        /** Writes updates (merged to one per min-interval) and heartbeats until the call ends, then how it ended. */
        private void relay(SseSink sink, WatchStreamResponse first) throws InterruptedException {
            write(sink, update(first));
            WatchStreamResponse sent = first;
            long lastUpdate = System.nanoTime();
            long lastWrite = lastUpdate;
            while (true) {
                switch (next(lastUpdate, lastWrite)) {
                    case Send send -> {
                        if (send.update().getStatus() != sent.getStatus()
                                || send.update().getViewerCount() != sent.getViewerCount()) {
                            write(sink, update(send.update()));
                            sent = send.update();
                            lastUpdate = System.nanoTime();
                            lastWrite = lastUpdate;
                        }
                    }
                    case Heartbeat heartbeat -> {
                        write(
                                sink,
                                SseEvent.builder().comment(HEARTBEAT_COMMENT).build());
                        lastWrite = System.nanoTime();
                    }
                    case End end -> {
                        SseEvent farewell = farewell();
                        if (farewell != null) {
                            write(sink, farewell);
                        }
                        return;
                    }
                }
            }
        }

        private Step next(long lastUpdate, long lastWrite) throws InterruptedException {
            long minInterval = settings.minInterval().toNanos();
            long heartbeat = settings.heartbeat().toNanos();
            lock.lock();
            try {
                while (true) {
                    long now = System.nanoTime();
                    long untilUpdate = lastUpdate + minInterval - now;
                    if (newest != null && untilUpdate <= 0) {
                        WatchStreamResponse update = newest;
                        newest = null;
                        return new Send(update);
                    }
                    if (newest == null && completed) {
                        return new End();
                    }
                    long untilHeartbeat = lastWrite + heartbeat - now;
                    if (untilHeartbeat <= 0) {
                        return new Heartbeat();
                    }
                    long wait = newest == null ? untilHeartbeat : Math.min(untilHeartbeat, untilUpdate);
                    if (changed.awaitNanos(wait) <= 0 && newest == null && !completed) {
                        return new Heartbeat(); // a heartbeat's time passed with nothing new
                    }
                }
            } finally {
                lock.unlock();
            }
        }

        /**
         * The last event of a stream that ended, or null when the client should just reconnect: after
         * OK (the stream ended, its last update said so), UNAVAILABLE (an instance stopping), the gateway
         * draining, {@code max-duration}, or another failure a new call may not meet.
         */
        private SseEvent farewell() {
            Throwable ended;
            lock.lock();
            try {
                if (leaving || failure == null) {
                    return null;
                }
                ended = failure;
            } finally {
                lock.unlock();
            }
            NovaException error = NovaException.from(ended);
            boolean tokenExpired = !Instant.now().isBefore(token.expiresAt());
            LOG.log(System.Logger.Level.DEBUG, "live-stream events of {0} ended: {1}", token.userId(), ended);
            if (error.code() == ErrorCode.DEADLINE_EXCEEDED && tokenExpired) {
                return failureEvent(ErrorCode.UNAUTHENTICATED, "the access token expired; reconnect with a fresh one");
            }
            return switch (error.code()) {
                case UNAVAILABLE, DEADLINE_EXCEEDED, CANCELLED, ABORTED, RESOURCE_EXHAUSTED, INTERNAL -> null;
                default -> failureEvent(error.code(), ErrorResponses.publicMessage(error));
            };
        }

        private SseEvent failureEvent(ErrorCode code, String message) {
            return SseEvent.builder()
                    .name(FAILURE_EVENT)
                    .data(json(new Failure(code.name(), message)))
                    .build();
        }

        private SseEvent update(WatchStreamResponse update) {
            return SseEvent.create(json(Views.LiveStreamUpdate.of(update)));
        }

        /** Writes one event; a client that left ends the connection (and, in run's finally, the call). */
        private void write(SseSink sink, SseEvent event) {
            try {
                sink.emit(event);
            } catch (CloseConnectionException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ServerConnectionException("the client left its live-stream event stream", e);
            }
        }

        private void close(SseSink sink) {
            try {
                sink.close();
            } catch (RuntimeException e) {
                throw new ServerConnectionException("the client left its live-stream event stream", e);
            }
        }

        private void cancelLocked(String why) {
            if (started && !completed) {
                call.cancel(why, null);
            }
        }
    }
}
