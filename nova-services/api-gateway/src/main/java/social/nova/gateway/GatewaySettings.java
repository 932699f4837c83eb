package social.nova.gateway;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.helidon.config.Config;
import social.nova.redis.RateLimiterSettings;

/**
 * The gateway's tunables (config block {@code gateway}); every one has a default.
 *
 * @param maxBodyBytes        largest request body accepted; larger ones are refused with 400
 *                            ({@code max-body-size}, 65536)
 * @param requestTimeout      time budget of one request across all its downstream calls, carried
 *                            to services as their gRPC deadline ({@code request-timeout}, PT10S)
 * @param clientRateLimit     requests per client address to {@code /api/**} ({@code rate-limit}:
 *                            name {@code gateway-client}, 600 per PT1M, fail open without Redis)
 * @param trustForwardedFor   take the client address from the first {@code X-Forwarded-For} entry
 *                            (only behind a load balancer that sets it; {@code trust-forwarded-for}, false)
 * @param downstreamServices  the services {@code /health} reports on
 *                            ({@code downstream-services}, auth-, user- and content-service)
 * @param fleetCacheFor       how long one view of the fleet from Consul is reused by
 *                            {@code /health} and {@code /api/v1/services} ({@code fleet.cache-for}, PT1S)
 * @param fleetMaxWait        how long a request waits for a look at Consul (after it started) before
 *                            answering with the last view, so probes answer while Consul hangs
 *                            ({@code fleet.max-wait}, PT0.5S)
 * @param retryAfterUnavailable {@code Retry-After} sent with a 503 whose service suggested none
 *                            ({@code retry-after-unavailable}, PT5S)
 * @param mediaTransferTimeout the deadline of one media upload or download instead of the request budget
 *                            ({@code media.transfer-timeout}, PT10M: 100 MiB at 1.4 Mbit/s)
 * @param mediaCopyThreads    the most media bodies copied on platform threads at once; more are
 *                            copied on their requests' virtual threads ({@link BulkCopies};
 *                            {@code media.copy-threads}, 8; 0: all of them)
 */
public record GatewaySettings(
        int maxBodyBytes,
        Duration requestTimeout,
        RateLimiterSettings clientRateLimit,
        boolean trustForwardedFor,
        List<String> downstreamServices,
        Duration fleetCacheFor,
        Duration fleetMaxWait,
        Duration retryAfterUnavailable,
        Duration mediaTransferTimeout,
        int mediaCopyThreads) {

    public static final int DEFAULT_MAX_BODY_BYTES = 64 * 1024;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    public static final String DEFAULT_RATE_LIMIT_NAME = "gateway-client";
    public static final int DEFAULT_RATE_LIMIT = 600;
    public static final Duration DEFAULT_RATE_LIMIT_WINDOW = Duration.ofMinutes(1);
    public static final List<String> DEFAULT_DOWNSTREAM_SERVICES =
            List.of(Backends.AUTH_SERVICE, Backends.USER_SERVICE, Backends.CONTENT_SERVICE);
    public static final Duration DEFAULT_FLEET_CACHE_FOR = Duration.ofSeconds(1);
    public static final Duration DEFAULT_FLEET_MAX_WAIT = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_AFTER_UNAVAILABLE = Duration.ofSeconds(5);
    public static final Duration DEFAULT_MEDIA_TRANSFER_TIMEOUT = Duration.ofMinutes(10);
    public static final int DEFAULT_MEDIA_COPY_THREADS = 8;

    public GatewaySettings {
        if (maxBodyBytes < 1) {
            throw new IllegalArgumentException("gateway.max-body-size must be at least 1 byte, was " + maxBodyBytes);
        }
        positive("gateway.request-timeout", requestTimeout);
        Objects.requireNonNull(clientRateLimit, "clientRateLimit");
        downstreamServices = List.copyOf(downstreamServices);
        positive("gateway.fleet.cache-for", fleetCacheFor);
        positive("gateway.fleet.max-wait", fleetMaxWait);
        positive("gateway.retry-after-unavailable", retryAfterUnavailable);
        positive("gateway.media.transfer-timeout", mediaTransferTimeout);
        if (mediaCopyThreads < 0) {
            throw new IllegalArgumentException("gateway.media.copy-threads must be 0 or more, was " + mediaCopyThreads);
        }
    }

    /** Reads the {@code gateway} node; absent keys take the defaults above. */
    public static GatewaySettings create(Config gateway) {
        return new GatewaySettings(
                gateway.get("max-body-size").asInt().orElse(DEFAULT_MAX_BODY_BYTES),
                gateway.get("request-timeout").as(Duration.class).orElse(DEFAULT_REQUEST_TIMEOUT),
                rateLimit(gateway.get("rate-limit")),
                gateway.get("trust-forwarded-for").asBoolean().orElse(false),
                gateway.get("downstream-services").asList(String.class).orElse(DEFAULT_DOWNSTREAM_SERVICES),
                gateway.get("fleet.cache-for").as(Duration.class).orElse(DEFAULT_FLEET_CACHE_FOR),
                gateway.get("fleet.max-wait").as(Duration.class).orElse(DEFAULT_FLEET_MAX_WAIT),
                gateway.get("retry-after-unavailable").as(Duration.class).orElse(DEFAULT_RETRY_AFTER_UNAVAILABLE),
                gateway.get("media.transfer-timeout").as(Duration.class).orElse(DEFAULT_MEDIA_TRANSFER_TIMEOUT),
                gateway.get("media.copy-threads").asInt().orElse(DEFAULT_MEDIA_COPY_THREADS));
    }

    /**
     * The per-client limit. It fails open by default: it protects capacity, and a Redis outage
     * should not become an outage of the whole API (auth-service keeps its own login limits).
     */
    private static RateLimiterSettings rateLimit(Config node) {
        RateLimiterSettings settings = RateLimiterSettings.of(
                node.get("name").asString().orElse(DEFAULT_RATE_LIMIT_NAME),
                node.get("limit").asInt().orElse(DEFAULT_RATE_LIMIT),
                node.get("window").as(Duration.class).orElse(DEFAULT_RATE_LIMIT_WINDOW));
        return node.get("on-redis-failure")
                .asString()
                .map(mode -> settings.withOnRedisFailure(failureMode(mode)))
                .orElse(settings);
    }

    private static RateLimiterSettings.FailureMode failureMode(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "allow" -> RateLimiterSettings.FailureMode.ALLOW;
            case "deny" -> RateLimiterSettings.FailureMode.DENY;
            default ->
                throw new IllegalArgumentException(
                        "gateway.rate-limit.on-redis-failure must be allow or deny, was '" + text + "'");
        };
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }
}
