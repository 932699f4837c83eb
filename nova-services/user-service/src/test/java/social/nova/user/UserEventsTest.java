package social.nova.user;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import social.nova.db.OutboxEvent;

import static org.assertj.core.api.Assertions.assertThat;

class UserEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-05-01T10:00:00.123456Z");
    private final UUID actor = UUID.randomUUID();
    private final UUID other = UUID.randomUUID();

    @Test
    void everyEventIsAboutTheActingUserOnTheUserStream() {
        Profile profile = new Profile(actor, "ada", "Ada", "", 0, 0, AT);
        for (OutboxEvent event : new OutboxEvent[] {
            UserEvents.profileUpdated(profile, AT),
            UserEvents.followed(actor, other, AT),
            UserEvents.unfollowed(actor, other, AT),
            UserEvents.blocked(actor, other, AT),
            UserEvents.unblocked(actor, other, AT)
        }) {
            // aggregate "user": the outbox relay publishes it to nova.events.user, next to UserRegistered.
            assertThat(event.aggregateType()).isEqualTo("user");
            assertThat(event.aggregateId()).isEqualTo(actor.toString());
            assertThat(event.headers()).isEmpty();
        }
    }

    @Test
    void payloadsCarryBothUsersTheNewValuesAndTheTime() throws Exception {
        JsonNode updated = JSON.readTree(UserEvents.profileUpdated(
                        new Profile(actor, "ada", "Ada \"L\"", "Engines\n", 3, 4, AT.minusSeconds(60)), AT)
                .payload());
        assertThat(updated.get("userId").asText()).isEqualTo(actor.toString());
        assertThat(updated.get("username").asText()).isEqualTo("ada");
        assertThat(updated.get("displayName").asText()).isEqualTo("Ada \"L\"");
        assertThat(updated.get("bio").asText()).isEqualTo("Engines\n");
        assertThat(Instant.parse(updated.get("updatedAt").asText())).isEqualTo(AT);

        JsonNode followed = JSON.readTree(UserEvents.followed(actor, other, AT).payload());
        assertThat(followed.get("followerId").asText()).isEqualTo(actor.toString());
        assertThat(followed.get("followeeId").asText()).isEqualTo(other.toString());
        assertThat(Instant.parse(followed.get("followedAt").asText())).isEqualTo(AT);
        JsonNode blocked = JSON.readTree(UserEvents.blocked(actor, other, AT).payload());
        assertThat(blocked.get("blockerId").asText()).isEqualTo(actor.toString());
        assertThat(blocked.get("blockedId").asText()).isEqualTo(other.toString());
        assertThat(Instant.parse(blocked.get("blockedAt").asText())).isEqualTo(AT);
        assertThat(JSON.readTree(UserEvents.unfollowed(actor, other, AT).payload())
                        .has("unfollowedAt"))
                .isTrue();
        assertThat(JSON.readTree(UserEvents.unblocked(actor, other, AT).payload())
                        .has("unblockedAt"))
                .isTrue();
    }
}
