package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Profiles and the social graph through the gateway, on real auth- and user-services found through Consul. */
class GatewayUsersIT {
    private final GatewayClient client = GatewayFixture.shared().client;

    @Test
    void aNewUserRegistersLogsInAndSeesTheirProfile() {
        GatewayClient.Account account = client.registerAndLogin();

        JsonNode me = awaitProfile(account);
        assertThat(me.path("id").asText()).isEqualTo(account.userId());
        assertThat(me.path("username").asText()).isEqualTo(account.username());
        assertThat(me.path("displayName").asText()).isEqualTo("Test User");
        assertThat(me.path("bio").asText()).isEmpty();
        assertThat(me.path("followers").asLong()).isZero();
        assertThat(me.path("following").asLong()).isZero();
        assertThat(Instant.parse(me.path("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(me.path("createdAt").asText()).endsWith("Z");
        assertThat(me.properties()).extracting(Map.Entry::getKey)
                .containsExactly("id", "username", "displayName", "bio", "followers", "following", "createdAt");
    }

    @Test
    void theCallerChangesTheirProfileFieldByField() {
        GatewayClient.Account account = client.registerAndLogin();
        awaitProfile(account);

        var changed = client.send("PATCH", "/api/v1/users/me", Map.of("bio", "Writes about engines."), account.accessToken(), Map.of());
        assertThat(changed.status()).isEqualTo(200);
        assertThat(changed.json().path("bio").asText()).isEqualTo("Writes about engines.");
        assertThat(changed.json().path("displayName").asText()).isEqualTo("Test User");

        var invalid = client.send("PATCH", "/api/v1/users/me", Map.of("displayName", " "), account.accessToken(), Map.of());
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("error").path("details").findValuesAsText("field")).containsExactly("displayName");

        var unknown = client.send("PATCH", "/api/v1/users/me", Map.of("avatar", "x"), account.accessToken(), Map.of());
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(client.get("/api/v1/users/" + account.userId(), account.accessToken()).json().path("bio").asText())
                .isEqualTo("Writes about engines.");
    }

    @Test
    void followingShowsInCountsAndPagedListsAndUnfollowingUndoesIt() {
        GatewayClient.Account star = client.registerAndLogin();
        GatewayClient.Account first = client.registerAndLogin();
        GatewayClient.Account second = client.registerAndLogin();
        for (GatewayClient.Account account : new GatewayClient.Account[] {star, first, second}) {
            awaitProfile(account);
        }
        String starPath = "/api/v1/users/" + star.userId();

        assertThat(client.send("PUT", starPath + "/follow", null, first.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("PUT", starPath + "/follow", null, second.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("PUT", starPath + "/follow", null, second.accessToken(), Map.of()).status())
                .as("following twice is fine").isEqualTo(204);

        assertThat(client.get(starPath, first.accessToken()).json().path("followers").asLong()).isEqualTo(2);
        var page1 = client.get(starPath + "/followers?limit=1", first.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().path("items").findValuesAsText("id")).containsExactly(second.userId());
        String cursor = page1.json().path("nextCursor").asText();
        assertThat(cursor).isNotBlank();
        var page2 = client.get(starPath + "/followers?limit=1&cursor=" + cursor, first.accessToken());
        assertThat(page2.json().path("items").findValuesAsText("id")).containsExactly(first.userId());
        var following = client.get("/api/v1/users/" + first.userId() + "/following", first.accessToken());
        assertThat(following.json().path("items").findValuesAsText("username")).containsExactly(star.username());
        assertThat(following.json().path("nextCursor").isNull()).isTrue();

        assertThat(client.send("DELETE", starPath + "/follow", null, first.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.get(starPath, first.accessToken()).json().path("followers").asLong()).isEqualTo(1);

        var badCursor = client.get(starPath + "/followers?cursor=forged", first.accessToken());
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(badCursor.json().path("error").path("details").findValuesAsText("field")).containsExactly("cursor");
    }

    @Test
    void blockingIsIdempotentAndStopsFollowing() {
        GatewayClient.Account blocker = client.registerAndLogin();
        GatewayClient.Account other = client.registerAndLogin();
        awaitProfile(blocker);
        awaitProfile(other);
        String blockPath = "/api/v1/users/" + other.userId() + "/block";

        assertThat(client.send("PUT", blockPath, null, blocker.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("PUT", blockPath, null, blocker.accessToken(), Map.of()).status()).isEqualTo(204);
        var refused = client.send("PUT", "/api/v1/users/" + blocker.userId() + "/follow", null, other.accessToken(), Map.of());
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.errorCode()).isEqualTo("FAILED_PRECONDITION");
        assertThat(client.send("DELETE", blockPath, null, blocker.accessToken(), Map.of()).status()).isEqualTo(204);
        assertThat(client.send("PUT", "/api/v1/users/" + blocker.userId() + "/follow", null, other.accessToken(), Map.of())
                .status()).isEqualTo(204);
    }

    @Test
    void anUnknownUserIsA404() {
        GatewayClient.Account account = client.registerAndLogin();
        var answer = client.get("/api/v1/users/" + UUID.randomUUID(), account.accessToken());
        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.errorCode()).isEqualTo("NOT_FOUND");
    }

    /** Profiles are made from auth-service's UserRegistered event: they appear shortly after registering. */
    private JsonNode awaitProfile(GatewayClient.Account account) {
        return await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .until(() -> client.get("/api/v1/users/me", account.accessToken()),
                        answer -> answer.status() == 200).json();
    }
}
