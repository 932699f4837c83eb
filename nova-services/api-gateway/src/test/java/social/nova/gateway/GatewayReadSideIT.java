package social.nova.gateway;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The read side through the gateway, on real feed- and search-service found through Consul, their
 * data built from the real user- and content-service's events: the JSON shapes, the search hits
 * read back as profiles and posts, and the edge's own refusals (window, authorId, experiment key).
 */
class GatewayReadSideIT {
    private static final Duration EVENTS = Duration.ofSeconds(10);
    private final GatewayClient client = GatewayFixture.shared().client;

    @Test
    void theFeedShowsFollowedAuthorsPostsAsPostsAndTrendingScoresThem() {
        GatewayClient.Account author = signedUp();
        GatewayClient.Account reader = signedUp();
        assertThat(client.send("PUT", "/api/v1/users/" + author.userId() + "/follow", null, reader.accessToken(), Map.of())
                .status()).isEqualTo(204);
        String postId = client.post("/api/v1/posts", Map.of("text", "fresh from the oven"), author.accessToken())
                .json().path("id").asText();

        await().atMost(EVENTS).until(() -> ids(client.get("/api/v1/feed", reader.accessToken()).json().path("items"))
                .contains(postId));
        var feed = client.get("/api/v1/feed?limit=1", reader.accessToken());
        assertThat(feed.status()).isEqualTo(200);
        JsonNode post = feed.json().path("items").get(0);
        assertThat(post.properties()).extracting(Map.Entry::getKey)
                .as("a post as GET /api/v1/posts/{id} answers it")
                .containsExactly("id", "authorId", "text", "likes", "createdAt");
        assertThat(post).isEqualTo(client.get("/api/v1/posts/" + postId, reader.accessToken()).json());
        assertThat(feed.json().has("nextCursor")).isTrue();

        assertThat(client.send("PUT", "/api/v1/posts/" + postId + "/like", null, reader.accessToken(), Map.of())
                .status()).isEqualTo(204);
        await().atMost(EVENTS).until(() -> trendingIds(reader).contains(postId));
        JsonNode trending = client.get("/api/v1/feed/trending?window=hour&limit=100", reader.accessToken()).json();
        assertThat(trending.path("computedAt").asText()).isNotBlank();
        JsonNode entry = trending.path("items").get(0);
        assertThat(entry.path("post").path("id").asText()).isNotBlank();
        assertThat(entry.path("score").asDouble()).isPositive();

        var badWindow = client.get("/api/v1/feed/trending?window=YEAR", reader.accessToken());
        assertThat(badWindow.status()).isEqualTo(400);
        assertThat(fields(badWindow.json())).containsExactly("window");
        var badCursor = client.get("/api/v1/feed?cursor=garbage", reader.accessToken());
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(fields(badCursor.json())).containsExactly("cursor");
    }

    @Test
    void anExperimentAnswersTheSameVariantAnd404UnlessItIsRunning() throws Exception {
        GatewayClient.Account user = signedUp();
        var first = client.get("/api/v1/experiments/feed-ranking/assignment", user.accessToken());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("experiment").asText()).isEqualTo("feed-ranking");
        assertThat(first.json().path("variant").asText()).isIn("chronological", "engagement");
        assertThat(client.get("/api/v1/experiments/feed-ranking/assignment", user.accessToken()).json())
                .isEqualTo(first.json());

        assertThat(client.get("/api/v1/experiments/no-such-thing/assignment", user.accessToken()).status()).isEqualTo(404);
        String draft = "draft-" + UUID.randomUUID().toString().substring(0, 8);
        try (Connection db = DriverManager.getConnection(SharedContainers.postgres().getJdbcUrl(),
                SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
             PreparedStatement insert = db.prepareStatement("INSERT INTO feed.experiments (id, key, description, status,"
                     + " variants) VALUES (?::uuid, ?, 'not started', 'DRAFT', '[{\"name\":\"a\",\"trafficPercent\":100}]')")) {
            insert.setString(1, UUID.randomUUID().toString());
            insert.setString(2, draft);
            insert.executeUpdate();
        }
        var notRunning = client.get("/api/v1/experiments/" + draft + "/assignment", user.accessToken());
        assertThat(notRunning.status()).as("a draft is not running: the route promises 404").isEqualTo(404);
        assertThat(notRunning.json().path("error").path("message").asText()).isEqualTo("experiment '" + draft + "' is not running");
        var badKey = client.get("/api/v1/experiments/Bad_Key/assignment", user.accessToken());
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(fields(badKey.json())).containsExactly("key");
    }

    @Test
    void searchAnswersProfilesAndPostsWithSnippetsAndNamesTheQueryParameters() {
        GatewayClient.Account author = signedUp();
        String word = "quokka" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String postId = client.post("/api/v1/posts", Map.of("text", "A " + word + " smiles at the camera"),
                author.accessToken()).json().path("id").asText();

        await().atMost(EVENTS).until(() -> client.get("/api/v1/search/posts?q=" + word, author.accessToken())
                .json().path("items").size() == 1);
        JsonNode hit = client.get("/api/v1/search/posts?q=" + word + "&authorId=" + author.userId(), author.accessToken())
                .json().path("items").get(0);
        assertThat(hit.path("post")).isEqualTo(client.get("/api/v1/posts/" + postId, author.accessToken()).json());
        assertThat(hit.path("snippet").asText()).contains("<mark>" + word + "</mark>");
        assertThat(client.get("/api/v1/search/posts?q=" + word + "&authorId=" + UUID.randomUUID(), author.accessToken())
                .json().path("items")).isEmpty();

        await().atMost(EVENTS).until(() -> ids(client.get("/api/v1/search/users?q=" + author.username(),
                author.accessToken()).json().path("items")).contains(author.userId()));
        JsonNode profile = client.get("/api/v1/search/users?q=" + author.username(), author.accessToken())
                .json().path("items").get(0);
        assertThat(profile).as("a profile as GET /api/v1/users/{id} answers it")
                .isEqualTo(client.get("/api/v1/users/" + author.userId(), author.accessToken()).json());

        var empty = client.get("/api/v1/search/users?q=", author.accessToken());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(fields(empty.json())).containsExactly("q");
        var operators = client.get("/api/v1/search/posts?q=%26%7C%21%3A%2A", author.accessToken());
        assertThat(operators.status()).isEqualTo(400);
        assertThat(fields(operators.json())).containsExactly("q");
        var badAuthor = client.get("/api/v1/search/posts?q=hello&authorId=42", author.accessToken());
        assertThat(badAuthor.status()).isEqualTo(400);
        assertThat(fields(badAuthor.json())).containsExactly("authorId");
        assertThat(client.get("/api/v1/search/posts?q=hello", null).status()).isEqualTo(401);
    }

    private GatewayClient.Account signedUp() {
        GatewayClient.Account account = client.registerAndLogin();
        await().atMost(EVENTS).until(() -> client.get("/api/v1/users/me", account.accessToken()).status() == 200);
        return account;
    }

    private List<String> trendingIds(GatewayClient.Account account) {
        List<String> ids = new ArrayList<>();
        client.get("/api/v1/feed/trending?window=HOUR&limit=100", account.accessToken()).json().path("items")
                .forEach(item -> ids.add(item.path("post").path("id").asText()));
        return ids;
    }

    private static List<String> ids(JsonNode items) {
        List<String> ids = new ArrayList<>();
        items.forEach(item -> ids.add(item.path("id").asText()));
        return ids;
    }

    private static List<String> fields(JsonNode error) {
        List<String> fields = new ArrayList<>();
        error.path("error").path("details").forEach(detail -> {
            if ("fieldViolation".equals(detail.path("type").asText())) {
                fields.add(detail.path("field").asText());
            }
        });
        return fields;
    }
}
