package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Posts and likes through the gateway, on a real content-service found through Consul. */
class GatewayPostsIT {
    private final GatewayClient client = GatewayFixture.shared().client;

    @Test
    void anAuthorPostsAndAnyoneReadsItAndLikesItOnce() {
        GatewayClient.Account author = signedUp();
        GatewayClient.Account fan = signedUp();

        var created = client.post("/api/v1/posts", Map.of("text", "Hello, Nova"), author.accessToken());
        assertThat(created.status()).isEqualTo(201);
        JsonNode post = created.json();
        String postPath = "/api/v1/posts/" + post.path("id").asText();
        assertThat(created.header("Location")).isEqualTo(postPath);
        assertThat(post.properties()).extracting(Map.Entry::getKey)
                .containsExactly("id", "authorId", "text", "likes", "createdAt");
        assertThat(post.path("authorId").asText()).isEqualTo(author.userId());
        assertThat(post.path("text").asText()).isEqualTo("Hello, Nova");
        assertThat(post.path("likes").asLong()).isZero();
        assertThat(Instant.parse(post.path("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));

        assertThat(client.get(postPath, fan.accessToken()).json()).isEqualTo(post);
        assertThat(client.send("PUT", postPath + "/like", null, fan.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("PUT", postPath + "/like", null, fan.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.get(postPath, fan.accessToken()).json().path("likes").asLong()).isEqualTo(1);
        assertThat(client.send("DELETE", postPath + "/like", null, fan.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.get(postPath, author.accessToken()).json().path("likes").asLong()).isZero();
    }

    @Test
    void aUsersPostsComeNewestFirstPageByPage() {
        GatewayClient.Account author = signedUp();
        for (String text : new String[] {"first", "second", "third"}) {
            assertThat(client.post("/api/v1/posts", Map.of("text", text), author.accessToken()).status()).isEqualTo(201);
        }
        String posts = "/api/v1/users/" + author.userId() + "/posts";

        var page1 = client.get(posts + "?limit=2", author.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().path("items").findValuesAsText("text")).containsExactly("third", "second");
        var page2 = client.get(posts + "?limit=2&cursor=" + page1.json().path("nextCursor").asText(), author.accessToken());
        assertThat(page2.json().path("items").findValuesAsText("text")).containsExactly("first");
        assertThat(page2.json().path("nextCursor").isNull()).isTrue();
    }

    @Test
    void onlyTheAuthorDeletesAndDeletingTwiceIsFine() {
        GatewayClient.Account author = signedUp();
        GatewayClient.Account other = signedUp();
        String postPath = "/api/v1/posts/" + client.post("/api/v1/posts", Map.of("text", "mine"), author.accessToken())
                .json().path("id").asText();

        var refused = client.send("DELETE", postPath, null, other.accessToken(), Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(refused.json().path("error").path("details").findValuesAsText("reason")).contains("NOT_AUTHOR");

        assertThat(client.send("DELETE", postPath, null, author.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("DELETE", postPath, null, author.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.get(postPath, author.accessToken()).status()).isEqualTo(404);
        assertThat(client.get("/api/v1/posts/" + UUID.randomUUID(), author.accessToken()).errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void anInvalidPostNamesTheField() {
        GatewayClient.Account author = signedUp();
        var blank = client.post("/api/v1/posts", Map.of("text", "   "), author.accessToken());
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().path("error").path("details").findValuesAsText("field")).containsExactly("text");
        var tooLong = client.post("/api/v1/posts", Map.of("text", "x".repeat(501)), author.accessToken());
        assertThat(tooLong.status()).isEqualTo(400);
        var number = client.post("/api/v1/posts", Map.of("text", 5), author.accessToken());
        assertThat(number.json().path("error").path("message").asText()).isEqualTo("field 'text' must be a string");
    }

    /** A registered user whose profile exists (content-service checks authors with user-service). */
    private GatewayClient.Account signedUp() {
        GatewayClient.Account account = client.registerAndLogin();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.get("/api/v1/users/me", account.accessToken()).status() == 200);
        return account;
    }
}
