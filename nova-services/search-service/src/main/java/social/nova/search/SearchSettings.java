package social.nova.search;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.events.EventSubscriptionSettings;
import social.nova.kit.Paging;
import social.nova.redis.RateLimiterSettings;

/**
 * search-service's tunables (config block {@code search}); every one has a default.
 *
 * @param searchLimit         searches per caller, both RPCs together ({@code search.limits.search}: 120 per minute)
 * @param cursorTtl           how long a page cursor stays valid ({@code search.paging.cursor-ttl}, 24 h)
 * @param typoMinSimilarity   the pg_trgm word similarity from which a user is offered as a typo match when
 *                            nothing matches exactly ({@code search.typo.min-similarity}, 0.4; 0 &lt; x &le; 1)
 * @param userEvents          the subscription to {@code nova.events.user} ({@code search.events.users}, keys of
 *                            nova-events' EventSubscriptionSettings; group {@code search-service})
 * @param postEvents          the subscription to {@code nova.events.post} ({@code search.events.posts}, likewise)
 */
public record SearchSettings(
        RateLimiterSettings searchLimit,
        Duration cursorTtl,
        double typoMinSimilarity,
        EventSubscriptionSettings userEvents,
        EventSubscriptionSettings postEvents) {
    static final String GROUP = "search-service";
    static final String USER_STREAM = "nova.events.user";
    static final String POST_STREAM = "nova.events.post";

    public SearchSettings {
        if (!(typoMinSimilarity > 0 && typoMinSimilarity <= 1)) {
            throw new IllegalArgumentException(
                    "search.typo.min-similarity must be in (0, 1], not " + typoMinSimilarity);
        }
    }

    public static SearchSettings create(Config search) {
        Config limit = search.get("limits.search");
        return new SearchSettings(
                RateLimiterSettings.of(
                        "search",
                        limit.get("limit").asInt().orElse(120),
                        limit.get("window").as(Duration.class).orElse(Duration.ofMinutes(1))),
                search.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL),
                search.get("typo.min-similarity").asDouble().orElse(0.4),
                subscription(search.get("events.users"), USER_STREAM),
                subscription(search.get("events.posts"), POST_STREAM));
    }

    private static EventSubscriptionSettings subscription(Config events, String stream) {
        return events.get("stream").exists() && events.get("group").exists()
                ? EventSubscriptionSettings.create(events)
                : EventSubscriptionSettings.of(stream, GROUP);
    }
}
