package social.nova.user;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.events.EventSubscriptionSettings;
import social.nova.kit.Paging;
import social.nova.redis.CacheSettings;
import social.nova.redis.RateLimiterSettings;

/**
 * user-service's tunables (config block {@code user}); every one has a default.
 *
 * @param profileCache    the Redis profile cache ({@code user.profile-cache}, keys of nova-redis-utils' CacheSettings;
 *                        name {@code profiles})
 * @param profileCacheTtl how long a cached profile lives ({@code user.profile-cache.ttl}, 5 min); changes invalidate
 *                        it at once, the TTL only bounds what a lost invalidation can leave behind
 * @param registrations   the subscription to auth-service's events ({@code user.registrations}, keys of
 *                        nova-events' EventSubscriptionSettings; stream {@code nova.events.user}, group
 *                        {@code user-service})
 * @param followLimit     follows per user ({@code user.limits.follow}: 100 per hour)
 * @param cursorTtl       how long a page cursor stays valid ({@code user.paging.cursor-ttl}, 24 h)
 */
public record UserSettings(
        CacheSettings profileCache,
        Duration profileCacheTtl,
        EventSubscriptionSettings registrations,
        RateLimiterSettings followLimit,
        Duration cursorTtl) {
    static final String CACHE_NAME = "profiles";
    static final String STREAM = "nova.events.user";
    static final String GROUP = "user-service";

    public static UserSettings create(Config user) {
        Config cache = user.get("profile-cache");
        Config registrations = user.get("registrations");
        Config follow = user.get("limits.follow");
        return new UserSettings(
                cache.get("name").exists() ? CacheSettings.create(cache) : CacheSettings.named(CACHE_NAME),
                cache.get("ttl").as(Duration.class).orElse(Duration.ofMinutes(5)),
                registrations.get("stream").exists()
                                && registrations.get("group").exists()
                        ? EventSubscriptionSettings.create(registrations)
                        : EventSubscriptionSettings.of(STREAM, GROUP),
                RateLimiterSettings.of(
                        "user-follow",
                        follow.get("limit").asInt().orElse(100),
                        follow.get("window").as(Duration.class).orElse(Duration.ofHours(1))),
                user.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL));
    }
}
