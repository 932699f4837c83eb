package social.nova.gateway;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.ClientCall;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.helidon.common.buffers.BufferData;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.http.WritableHeaders;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.websocket.WsListener;
import io.helidon.websocket.WsSession;
import io.helidon.websocket.WsUpgradeException;
import social.nova.clients.auth.VerifiedToken;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.redis.Backoff;
import social.nova.redis.ThrottledLogger;
import social.nova.rpc.CallContext;

/**
 * One client's WebSocket and the StreamMessages call behind it (see {@link RealtimeBridge}). The
 * stream is read one message at a time, and the next one is asked for only while the socket's
 * {@link Outbox} is below half its budget: a slow client slows its own stream, and one that stops
 * reading stalls the outbox and is closed (1008). Stream callbacks, client frames and timers meet
 * under one lock; nothing under it blocks.
 */
final class RealtimeConnection implements WsListener {
    private static final System.Logger LOG = System.getLogger(RealtimeConnection.class.getName());
    /**
     * Streams that end and are started again, and writes to a client that fail: at most one line
     * per interval for all sockets (when messaging-service restarts, thousands of sockets reconnect
     * at once), so that when a socket misses messages the log still shows whether its stream or
     * its connection was ever interrupted.
     */
    private static final ThrottledLogger STREAM_ENDS = new ThrottledLogger(LOG, Duration.ofSeconds(10));

    private final RealtimeBridge bridge;
    private final String id = UUID.randomUUID().toString();
    private final ReentrantLock lock = new ReentrantLock();
    private final SentIds sent;

    // Set at upgrade, read after (the upgrade happens-before onOpen on the connection's thread).
    private VerifiedToken token;
    private String authorization;

    private volatile WsSession session;
    private volatile Outbox outbox;
    private volatile boolean ended;
    private volatile long lastPing;

    // Guarded by lock.
    private boolean admitted;
    private boolean closed;
    private ClientCall<StreamMessagesRequest, StreamMessagesResponse> call;
    private int generation;
    private boolean awaitingDemand;
    private String lastSent;
    private String resumePoint;
    private int failures;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> expiry;
    private String clientAddress = "unknown";
    private StringBuilder partial;

    RealtimeConnection(RealtimeBridge bridge) {
        this.bridge = bridge;
        this.sent = new SentIds(bridge.settings().dedupWindow());
    }

    @Override
    public Optional<Headers> onHttpUpgrade(HttpPrologue prologue, Headers headers) throws WsUpgradeException {
        Authentication.UpgradeCredentials credentials = Authentication.upgradeCredentials(headers);
        try {
            token = bridge.authentication().verifyToken(credentials.authorization());
        } catch (RuntimeException e) {
            // The HTTP filter refused this already with a 401; here only a race (the token expired between).
            throw new WsUpgradeException("access token refused", e);
        }
        authorization = credentials.authorization();
        if (credentials.subprotocol() == null) {
            return Optional.empty();
        }
        WritableHeaders<?> answer = WritableHeaders.create();
        answer.set(Authentication.WEBSOCKET_PROTOCOL, credentials.subprotocol());
        return Optional.of(answer);
    }

    @Override
    public void onOpen(WsSession session) {
        this.session = session;
        this.outbox = new Outbox(
                bridge.settings().outboundBytes(), sink(session), events(), bridge.writers(), System::nanoTime);
        this.lastPing = System.nanoTime();
        if (session.socketContext().remotePeer().address() instanceof InetSocketAddress inet
                && inet.getAddress() != null) {
            clientAddress = inet.getAddress().getHostAddress();
        }
        ConnectionLimits.Refusal refusal = bridge.admit(this, token.userId());
        lock.lock();
        try {
            if (refusal != null) {
                closeLocked(RealtimeBridge.TRY_AGAIN_LATER, "too many connections (" + refusal + ")", true);
                return;
            }
            admitted = true;
            if (bridge.isGoingAway()) {
                closeLocked(RealtimeBridge.GOING_AWAY, "gateway shutting down", false);
                return;
            }
            long untilExpiry =
                    Duration.between(Instant.now(), token.expiresAt()).toMillis();
            if (untilExpiry <= 0) {
                closeLocked(RealtimeBridge.TOKEN_EXPIRED, "access token expired", false);
                return;
            }
            expiry = bridge.scheduler().schedule(this::expire, untilExpiry, TimeUnit.MILLISECONDS);
            startStreamLocked();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void onMessage(WsSession session, String text, boolean last) {
        String frame;
        lock.lock();
        try {
            if (partial == null && last) {
                frame = text;
            } else {
                if (partial == null) {
                    partial = new StringBuilder();
                }
                if (partial.length() + text.length() <= RealtimeFrames.MAX_CLIENT_FRAME_CHARS + 1) {
                    partial.append(text);
                }
                if (!last) {
                    return;
                }
                frame = partial.toString();
                partial = null;
            }
        } finally {
            lock.unlock();
        }
        switch (bridge.frames().parse(frame)) {
            case RealtimeFrames.Resume resume -> resume(resume.after());
            case RealtimeFrames.Invalid invalid -> sendError("INVALID_ARGUMENT", invalid.message());
        }
    }

    @Override
    public void onMessage(WsSession session, BufferData buffer, boolean last) {
        if (last) {
            sendError("INVALID_ARGUMENT", "binary frames are not supported; send JSON text frames");
        }
    }

    @Override
    public void onClose(WsSession session, int status, String reason) {
        ended();
    }

    @Override
    public void onError(WsSession session, Throwable t) {
        LOG.log(System.Logger.Level.DEBUG, "realtime socket {0} failed: {1}", id, t);
        ended();
    }

    /** The client asked to get what it missed after {@code after}. */
    void resume(String after) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            resumePoint = after;
            restartLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Closes with {@code code} after what is queued (1001 on shutdown). */
    void closeWith(int code, String reason) {
        lock.lock();
        try {
            closeLocked(code, reason, false);
        } finally {
            lock.unlock();
        }
    }

    /** Heartbeat and slow-client check, run by the bridge's sweep. */
    void tick(long now) {
        Outbox box = outbox;
        if (box == null || ended) {
            return;
        }
        RealtimeSettings settings = bridge.settings();
        if (box.stalledNanos() > settings.slowClientTimeout().toNanos()) {
            lock.lock();
            try {
                closeLocked(RealtimeBridge.POLICY_VIOLATION, "client too slow: frames not read", true);
            } finally {
                lock.unlock();
            }
            return;
        }
        if (now - lastPing >= settings.heartbeat().toNanos()) {
            lastPing = now;
            box.ping();
        }
    }

    boolean isEnded() {
        return ended;
    }

    private void expire() {
        closeWith(RealtimeBridge.TOKEN_EXPIRED, "access token expired");
    }

    private void sendError(String code, String message) {
        Outbox box = outbox;
        if (box != null) {
            box.offer(bridge.frames().error(code, message));
        }
    }

    private void restartLocked() {
        cancelRetryLocked();
        ClientCall<StreamMessagesRequest, StreamMessagesResponse> old = call;
        call = null;
        generation++;
        if (old != null) {
            old.cancel("superseded by a new StreamMessages call", null);
        }
        startStreamLocked();
    }

    private void startStreamLocked() {
        if (closed) {
            return;
        }
        int current = ++generation;
        StreamMessagesRequest.Builder request = StreamMessagesRequest.newBuilder();
        if (resumePoint != null) {
            request.setAfterMessageId(resumePoint);
        }
        ClientCall<StreamMessagesRequest, StreamMessagesResponse> started = bridge.newStreamCall();
        call = started;
        awaitingDemand = false;
        // A context of its own: no deadline of the upgrade request, the caller's token and id.
        Context.ROOT
                .withValue(CallContext.AUTHORIZATION, authorization)
                .withValue(CallContext.CALLER_ID, token.userId())
                .withValue(CallContext.REQUEST_ID, id)
                .withValue(ClientAddresses.CLIENT_ADDRESS, clientAddress)
                .run(() -> {
                    started.start(new StreamListener(current), new Metadata());
                    started.request(1);
                    started.sendMessage(request.build());
                    started.halfClose();
                });
    }

    private void onStreamMessage(int current, StreamMessagesResponse event) {
        lock.lock();
        try {
            if (current != generation || closed) {
                return;
            }
            failures = 0;
            String frame = null;
            if (event.hasMessage()) {
                String messageId = event.getMessage().getId();
                if (sent.add(messageId)) {
                    frame = bridge.frames().message(event.getMessage());
                    lastSent = messageId;
                    resumePoint = messageId;
                }
            } else if (event.hasRead()) {
                frame = bridge.frames().read(event.getRead());
            }
            if (frame != null && !outbox.offer(frame)) {
                closeLocked(RealtimeBridge.POLICY_VIOLATION, "client too slow: outbound buffer full", true);
                return;
            }
            awaitingDemand = true;
            pumpLocked();
        } finally {
            lock.unlock();
        }
    }

    private void onStreamClose(int current, Status status) {
        lock.lock();
        try {
            if (current != generation || closed) {
                return;
            }
            call = null;
            switch (status.getCode()) {
                case UNAUTHENTICATED ->
                    closeLocked(RealtimeBridge.TOKEN_EXPIRED, "access token no longer valid", false);
                case INVALID_ARGUMENT, NOT_FOUND -> {
                    // The resume point was refused (not a message the caller can see): say so, go on from what was
                    // sent.
                    STREAM_ENDS.log(
                            System.Logger.Level.INFO,
                            "realtime socket " + id + ": resume point " + resumePoint + " refused (" + status.getCode()
                                    + ": " + describe(status) + "); going on after " + lastSent,
                            null);
                    outbox.offer(bridge.frames().error(status.getCode().name(), describe(status)));
                    resumePoint = lastSent;
                    scheduleRetryLocked(Duration.ZERO);
                }
                case OK, UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, RESOURCE_EXHAUSTED, ABORTED, UNKNOWN -> {
                    Duration delay = backoff(failures++);
                    STREAM_ENDS.log(
                            System.Logger.Level.INFO,
                            "realtime socket " + id + ": StreamMessages ended " + status.getCode() + " ("
                                    + describe(status) + "); resuming after " + resumePoint + " in " + delay.toMillis()
                                    + " ms (attempt " + failures + ")",
                            null);
                    scheduleRetryLocked(delay);
                }
                default -> {
                    outbox.offer(bridge.frames().error(status.getCode().name(), describe(status)));
                    closeLocked(RealtimeBridge.INTERNAL_ERROR, "stream failed", false);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static String describe(Status status) {
        return status.getDescription() == null ? status.getCode().name() : status.getDescription();
    }

    /**
     * The platform's back-off (doubling from the initial delay up to the max), ±20 % so that the
     * sockets of an instance that died do not all come back at the same moment.
     */
    private Duration backoff(int attempt) {
        RealtimeSettings settings = bridge.settings();
        long capped = new Backoff(settings.initialBackoff(), settings.maxBackoff())
                .delay(attempt + 1)
                .toMillis();
        return Duration.ofMillis(
                (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
    }

    private void scheduleRetryLocked(Duration delay) {
        cancelRetryLocked();
        retry = bridge.scheduler()
                .schedule(
                        () -> {
                            lock.lock();
                            try {
                                if (!closed && call == null) {
                                    startStreamLocked();
                                }
                            } finally {
                                lock.unlock();
                            }
                        },
                        delay.toMillis(),
                        TimeUnit.MILLISECONDS);
    }

    private void cancelRetryLocked() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
    }

    /** Asks the stream for the next event once the outbox has drained below half its budget. */
    private void pumpLocked() {
        if (awaitingDemand
                && call != null
                && outbox.queuedBytes() <= bridge.settings().outboundBytes() / 2) {
            awaitingDemand = false;
            call.request(1);
        }
    }

    private void closeLocked(int code, String reason, boolean dropPending) {
        if (closed) {
            return;
        }
        closed = true;
        stopStreamLocked();
        outbox.close(code, reason, dropPending);
        // A client that does not read never takes the close frame: drop the connection after a grace.
        bridge.scheduler()
                .schedule(this::dropIfOpen, bridge.settings().closeGrace().toMillis(), TimeUnit.MILLISECONDS);
        releaseLocked();
    }

    private void stopStreamLocked() {
        generation++;
        cancelRetryLocked();
        if (expiry != null) {
            expiry.cancel(false);
        }
        if (call != null) {
            call.cancel("realtime socket closed", null);
            call = null;
        }
    }

    private void releaseLocked() {
        if (admitted) {
            admitted = false;
            bridge.release(this, token.userId());
        }
    }

    private void ended() {
        ended = true;
        lock.lock();
        try {
            closed = true;
            stopStreamLocked();
            releaseLocked();
        } finally {
            lock.unlock();
        }
        Outbox box = outbox;
        if (box != null) {
            box.abort();
        }
    }

    private void dropIfOpen() {
        if (ended) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, "realtime {0}: close not completed; dropping the connection", id);
        outbox.abort();
        if (session instanceof ServerConnection connection) {
            connection.close(true);
        }
    }

    private Outbox.Sink sink(WsSession session) {
        return new Outbox.Sink() {
            @Override
            public void text(String frame) {
                session.send(frame, true);
            }

            @Override
            public void ping() {
                session.ping(BufferData.empty());
            }

            @Override
            public void close(int code, String reason) {
                session.close(code, reason);
            }
        };
    }

    private Outbox.Events events() {
        return new Outbox.Events() {
            @Override
            public void written(int queuedBytes) {
                lock.lock();
                try {
                    if (!closed) {
                        pumpLocked();
                    }
                } finally {
                    lock.unlock();
                }
            }

            @Override
            public void failed(Exception failure) {
                STREAM_ENDS.log(
                        System.Logger.Level.INFO,
                        "realtime socket " + id + ": a write to the client failed; dropping the connection",
                        failure);
                ended();
                dropIfOpen();
            }
        };
    }

    private final class StreamListener extends ClientCall.Listener<StreamMessagesResponse> {
        private final int current;

        StreamListener(int current) {
            this.current = current;
        }

        @Override
        public void onMessage(StreamMessagesResponse message) {
            onStreamMessage(current, message);
        }

        @Override
        public void onClose(Status status, Metadata trailers) {
            onStreamClose(current, status);
        }
    }

    /**
     * The last {@code capacity} message ids sent on this socket, as two longs each (a UUID) in a
     * ring: a few KiB, allocated on the first message.
     */
    static final class SentIds {
        private final int capacity;
        private long[] ids;
        private int next;
        private int size;

        SentIds(int capacity) {
            this.capacity = capacity;
        }

        /** Records {@code id}; false when it was sent already (within the window). */
        boolean add(String id) {
            long high;
            long low;
            try {
                UUID uuid = UUID.fromString(id);
                high = uuid.getMostSignificantBits();
                low = uuid.getLeastSignificantBits();
            } catch (IllegalArgumentException notUuid) {
                high = id.hashCode();
                low = id.length();
            }
            if (ids == null) {
                ids = new long[capacity * 2];
            }
            for (int i = 0; i < size; i++) {
                if (ids[2 * i] == high && ids[2 * i + 1] == low) {
                    return false;
                }
            }
            ids[2 * next] = high;
            ids[2 * next + 1] = low;
            next = (next + 1) % capacity;
            size = Math.min(size + 1, capacity);
            return true;
        }
    }
}
