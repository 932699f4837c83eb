package social.nova.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.websocket.WsListener;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/**
 * {@code GET /api/v1/realtime}: bridges each WebSocket to one {@code MessagingService/StreamMessages}
 * call (README, "Real-time bridge"). The upgrade request passes the HTTP filters first, so a missing
 * or invalid token is a 401 and a full gateway a 429 in the gateway's error shape; then one
 * {@link RealtimeConnection} per socket.
 *
 * <p>Streams go over nova-rpc's stream channel to messaging-service ({@code
 * NovaClients.streamChannel}): Consul discovery, round robin, the caller's token and the configured
 * per-method deadline, without the bulkhead and circuit breaker of the REST routes' channel (a
 * stream lives for hours: it would hold a bulkhead slot all that time and count as a slow call).
 * The gateway's kit closes the sockets with 1001 when it drains ({@code ServiceKit.onDrain}).
 */
final class RealtimeBridge implements AutoCloseable {
    static final String PATH = "/api/v1/realtime";
    static final int GOING_AWAY = 1001;
    static final int POLICY_VIOLATION = 1008;
    static final int INTERNAL_ERROR = 1011;
    static final int TRY_AGAIN_LATER = 1013;
    static final int TOKEN_EXPIRED = 4401;
    private static final long CLOSE_POLL_MILLIS = 20;

    private static final System.Logger LOG = System.getLogger(RealtimeBridge.class.getName());

    private final RealtimeSettings settings;
    private final Authentication authentication;
    private final RealtimeFrames frames;
    private final ConnectionLimits limits;
    private final Channel channel;
    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService writers = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("realtime-writer-", 0).factory());
    private final Set<RealtimeConnection> open = ConcurrentHashMap.newKeySet();
    private volatile boolean goingAway;

    RealtimeBridge(RealtimeSettings settings, Authentication authentication, Json json, Channel streams) {
        this.settings = settings;
        this.authentication = authentication;
        this.frames = new RealtimeFrames(json.mapper());
        this.limits = new ConnectionLimits(settings.maxConnections(), settings.maxPerUser());
        this.channel = streams;
        this.scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("realtime-timers").factory());
        scheduler.setRemoveOnCancelPolicy(true);
        long tick = Math.clamp(
                Math.min(
                                settings.heartbeat().toMillis(),
                                settings.slowClientTimeout().toMillis())
                        / 2,
                100,
                1000);
        scheduler.scheduleWithFixedDelay(this::sweep, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Refuses an upgrade early, in the gateway's error shape: 401 without a valid token, 429 when full. */
    Filter upgradeFilter() {
        return new Filter() {
            @Override
            public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
                if (request.path().path().equals(PATH)) {
                    checkUpgrade(request);
                }
                chain.proceed();
            }
        };
    }

    private void checkUpgrade(RoutingRequest request) {
        var token = authentication.verifyToken(
                Authentication.upgradeCredentials(request.headers()).authorization());
        if (!request.headers().contains(HeaderNames.UPGRADE)) {
            throw NovaException.invalidArgument(PATH + " is a WebSocket: send an Upgrade: websocket request");
        }
        if (goingAway) {
            throw NovaException.unavailable("the gateway is shutting down; reconnect", Duration.ofSeconds(1));
        }
        ConnectionLimits.Refusal refusal = limits.check(token.userId());
        if (refusal != null) {
            throw NovaException.builder(
                            ErrorCode.RESOURCE_EXHAUSTED,
                            refusal == ConnectionLimits.Refusal.TOO_MANY_USER_CONNECTIONS
                                    ? "too many real-time connections for this user (at most " + settings.maxPerUser()
                                            + ")"
                                    : "the gateway holds as many real-time connections as it can; retry later")
                    .reason(refusal.name())
                    .domain(Authentication.DOMAIN)
                    .retryAfter(Duration.ofSeconds(5))
                    .build();
        }
    }

    WsListener newListener() {
        return new RealtimeConnection(this);
    }

    ClientCall<StreamMessagesRequest, StreamMessagesResponse> newStreamCall() {
        return channel.newCall(MessagingServiceGrpc.getStreamMessagesMethod(), CallOptions.DEFAULT);
    }

    /** Admits a socket of {@code userId}; null when admitted, else why not. */
    ConnectionLimits.Refusal admit(RealtimeConnection connection, String userId) {
        ConnectionLimits.Refusal refusal = limits.acquire(userId);
        if (refusal == null) {
            open.add(connection);
        }
        return refusal;
    }

    void release(RealtimeConnection connection, String userId) {
        if (open.remove(connection)) {
            limits.release(userId);
        }
    }

    /** Open sockets (for tests and the README's sizing). */
    int openConnections() {
        return limits.open();
    }

    private void sweep() {
        long now = System.nanoTime();
        for (RealtimeConnection connection : open) {
            try {
                connection.tick(now);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "realtime sweep failed for a socket", e);
            }
        }
    }

    /** Closes every socket with 1001 Going Away and refuses new ones. */
    void goAway() {
        goingAway = true;
        List<RealtimeConnection> closing = List.copyOf(open);
        if (!closing.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "closing {0} real-time sockets: going away", closing.size());
        }
        closing.forEach(connection -> connection.closeWith(GOING_AWAY, "gateway shutting down"));
        // The server stops right after the drain: give the close frames their time to be written and
        // answered (at most close-grace), or the clients see the connection drop (1006), not 1001.
        long deadline = System.nanoTime() + settings.closeGrace().toNanos();
        while (closing.stream().anyMatch(connection -> !connection.isEnded()) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(CLOSE_POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    boolean isGoingAway() {
        return goingAway;
    }

    RealtimeSettings settings() {
        return settings;
    }

    Authentication authentication() {
        return authentication;
    }

    RealtimeFrames frames() {
        return frames;
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    ExecutorService writers() {
        return writers;
    }

    /** Closes what is left (1001), then the timers; the channel is nova-rpc's, closed with it. */
    @Override
    public void close() {
        goAway();
        scheduler.shutdownNow();
        writers.shutdown();
    }
}
