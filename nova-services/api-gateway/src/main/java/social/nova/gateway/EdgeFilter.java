package social.nova.gateway;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import social.nova.errors.NovaException;
import social.nova.redis.RateLimitDecision;
import social.nova.redis.RateLimiter;
import social.nova.rpc.CallContext;
import social.nova.rpc.MeterRegistration;

/**
 * What every request passes first: it gets its request id (echoed in {@code X-Request-Id}), its
 * client address, the per-client rate limit ({@code /api/**} only: health probes and the kit's
 * {@code /observe} endpoints are never limited), and a gRPC {@link Context} carrying the request
 * id, the client address and the request's deadline, in which every downstream call is made.
 * Every answer is timed by method, route and status ({@code nova_gateway_requests_seconds}).
 */
final class EdgeFilter implements Filter, AutoCloseable {
    static final String API_PREFIX = "/api/";

    static final String REQUESTS_METRIC = "nova.gateway.requests";
    private static final String UNMATCHED = "unmatched";
    /** Methods tagged as they are; anything else is "other", so clients cannot mint metric series. */
    private static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    private final ClientAddresses clientAddresses;
    private final RateLimiter perClient;
    private final Duration requestTimeout;
    private final MeterRegistry meters;
    private final ConcurrentMap<RequestsKey, Timer> requestTimers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("gateway-deadlines").factory());

    EdgeFilter(ClientAddresses clientAddresses, RateLimiter perClient, Duration requestTimeout, MeterRegistry meters) {
        this.clientAddresses = clientAddresses;
        this.perClient = perClient;
        this.requestTimeout = requestTimeout;
        this.meters = meters;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest request, RoutingResponse response) {
        RequestInfo info = new RequestInfo(RequestIds.of(request), clientAddresses.of(request));
        request.context().register(info);
        response.header(RequestIds.HEADER, info.requestId());
        long started = System.nanoTime();
        // Recorded once the answer is sent, so errors rendered after this filter count with their status.
        response.whenSent(() -> record(request, response, System.nanoTime() - started));

        if (request.path().path().startsWith(API_PREFIX)) {
            RateLimitDecision decision = perClient.tryAcquire(info.clientAddress());
            if (!decision.allowed()) {
                throw NovaException.rateLimited(decision.retryAfter());
            }
        }

        Context.CancellableContext context = Context.current()
                .withValue(CallContext.REQUEST_ID, info.requestId())
                .withValue(ClientAddresses.CLIENT_ADDRESS, info.clientAddress())
                .withDeadlineAfter(requestTimeout.toNanos(), TimeUnit.NANOSECONDS, deadlines);
        try {
            context.run(chain::proceed);
        } finally {
            // Releases the deadline timer as soon as the request is answered.
            context.cancel(null);
        }
    }

    /** {@code nova_gateway_requests_seconds{method,route,status}}: route is the matched pattern, never the raw path. */
    private void record(RoutingRequest request, RoutingResponse response, long nanos) {
        String method = KNOWN_METHODS.contains(request.prologue().method().text())
                ? request.prologue().method().text()
                : "other";
        String route = request.matchingPattern().orElse(UNMATCHED);
        String status = String.valueOf(response.status().code());
        RequestsKey key = new RequestsKey(method, route, status);
        Timer timer = requestTimers.get(key);
        if (timer == null) {
            // Created on a platform thread, once per key (see MeterRegistration); not inside
            // computeIfAbsent, whose bin lock is a monitor.
            timer = MeterRegistration.create(() -> Timer.builder(REQUESTS_METRIC)
                    .description("HTTP requests answered by the gateway")
                    .tag("method", method)
                    .tag("route", route)
                    .tag("status", status)
                    .register(meters));
            Timer raced = requestTimers.putIfAbsent(key, timer);
            if (raced != null) {
                timer = raced;
            }
        }
        timer.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** One series of {@value #REQUESTS_METRIC}: routes are patterns and statuses codes, so the keys are few. */
    private record RequestsKey(String method, String route, String status) {}

    @Override
    public void close() {
        deadlines.shutdownNow();
    }
}
