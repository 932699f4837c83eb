package social.nova.content;

import java.time.Duration;

import io.helidon.config.Config;
import social.nova.kit.Paging;
import social.nova.redis.RateLimiterSettings;

/**
 * content-service's tunables (config block {@code content}); every one has a default.
 *
 * @param createPostLimit posts per author ({@code content.limits.create-post}: 30 per minute)
 * @param cursorTtl       how long a page cursor stays valid ({@code content.paging.cursor-ttl}, 24 h)
 * @param confirmedAuthors how many authors confirmed by user-service are remembered
 *                        ({@code content.authors.remembered}: 50,000, about 5 MiB of heap)
 * @param confirmedFor    how long a confirmation is remembered ({@code content.authors.remember-for}: 10 min)
 */
public record ContentSettings(
        RateLimiterSettings createPostLimit, Duration cursorTtl, int confirmedAuthors, Duration confirmedFor) {

    public static ContentSettings create(Config content) {
        Config createPost = content.get("limits.create-post");
        return new ContentSettings(
                RateLimiterSettings.of(
                        "content-create-post",
                        createPost.get("limit").asInt().orElse(30),
                        createPost.get("window").as(Duration.class).orElse(Duration.ofMinutes(1))),
                content.get("paging.cursor-ttl").as(Duration.class).orElse(Paging.DEFAULT_CURSOR_TTL),
                content.get("authors.remembered").asInt().orElse(50_000),
                content.get("authors.remember-for").as(Duration.class).orElse(Duration.ofMinutes(10)));
    }
}
