package social.nova.messaging;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.kit.Paging;
import social.nova.redis.RateLimiterSettings;

/**
 * messaging-service's tunables (config block {@code messaging}); every one has a default.
 *
 * @param createConversationLimit conversations a user starts ({@code messaging.limits.create-conversation}: 20 per minute)
 * @param sendMessageLimit        messages a user sends ({@code messaging.limits.send-message}: 60 per minute)
 * @param cursorTtl               how long a page cursor stays valid ({@code messaging.paging.cursor-ttl}, 24 h)
 * @param idempotencyWindow       how long SendMessage remembers a key ({@code messaging.idempotency-window}, 24 h)
 * @param liveChannel             the Redis pub/sub channel of live events ({@code messaging.live.channel})
 * @param resubscribeDelay        the pause before subscribing again after Redis was lost
 *                                ({@code messaging.live.resubscribe-delay}, 1 s)
 * @param pingInterval            how often the subscription is pinged; three unanswered intervals count as
 *                                lost ({@code messaging.live.ping-interval}, 5 s)
 * @param maxQueuedEvents         events one stream buffers for a slow client before it ends
 *                                ({@code messaging.live.max-queued-events}, 256)
 * @param presenceTtl             how long a user counts as connected after their instance last said so
 *                                ({@code messaging.presence.ttl}, 30 s; refreshed every third of it)
 * @param pushMaxAge              messages older than this when their event is handled are not pushed
 *                                ({@code messaging.push.max-age}, 1 h)
 */
public record MessagingSettings(
        RateLimiterSettings createConversationLimit,
        RateLimiterSettings sendMessageLimit,
        Duration cursorTtl,
        Duration idempotencyWindow,
        String liveChannel,
        Duration resubscribeDelay,
        Duration pingInterval,
        int maxQueuedEvents,
        Duration presenceTtl,
        Duration pushMaxAge) {
    public MessagingSettings {
        require(idempotencyWindow.isPositive(), "messaging.idempotency-window must be positive");
        require(!liveChannel.isBlank(), "messaging.live.channel must not be blank");
        require(resubscribeDelay.isPositive(), "messaging.live.resubscribe-delay must be positive");
        require(pingInterval.isPositive(), "messaging.live.ping-interval must be positive");
        require(maxQueuedEvents > 0, "messaging.live.max-queued-events must be positive");
        require(presenceTtl.compareTo(Duration.ofSeconds(3)) >= 0, "messaging.presence.ttl must be at least PT3S");
        require(pushMaxAge.isPositive(), "messaging.push.max-age must be positive");
    }

    public static MessagingSettings create(Config messaging) {
        Config live = messaging.get("live");
        return new MessagingSettings(
                limit(messaging, "create-conversation", 20),
                limit(messaging, "send-message", 60),
                messaging.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL),
                messaging.get("idempotency-window").as(Duration.class).orElse(Duration.ofHours(24)),
                live.get("channel").asString().orElse("nova.messaging.live"),
                live.get("resubscribe-delay").as(Duration.class).orElse(Duration.ofSeconds(1)),
                live.get("ping-interval").as(Duration.class).orElse(Duration.ofSeconds(5)),
                live.get("max-queued-events").asInt().orElse(256),
                messaging.get("presence.ttl").as(Duration.class).orElse(Duration.ofSeconds(30)),
                messaging.get("push.max-age").as(Duration.class).orElse(Duration.ofHours(1)));
    }

    private static RateLimiterSettings limit(Config messaging, String name, int defaultLimit) {
        Config limit = messaging.get("limits." + name);
        return RateLimiterSettings.of(
                "messaging-" + name,
                limit.get("limit").asInt().orElse(defaultLimit),
                limit.get("window").as(Duration.class).orElse(Duration.ofMinutes(1)));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
