package social.nova.search;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import social.nova.events.Event;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The index's event handling against the real schema: events handled twice or out of order (a
 * retried event can come after later ones) leave what the newest event says.
 */
class IndexUpdatesIT {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private final Jdbi jdbi = search();
    private final IndexUpdates updates = new IndexUpdates(jdbi, new IndexStore());

    @Test
    void anOlderProfileUpdateNeverOverwritesANewerOne() throws Exception {
        UUID user = UUID.randomUUID();
        handle("UserRegistered", """
                {"userId":"%s","username":"ann","displayName":"Ann","registeredAt":"%s"}""".formatted(user, T0));
        handle("UserProfileUpdated", """
                {"userId":"%s","username":"ann","displayName":"Ann Newer","bio":"","updatedAt":"%s"}""".formatted(user, T0.plusSeconds(20)));
        handle("UserProfileUpdated", """
                {"userId":"%s","username":"ann","displayName":"Ann Older","bio":"","updatedAt":"%s"}""".formatted(user, T0.plusSeconds(10)));
        handle("UserRegistered", """
                {"userId":"%s","username":"ann","displayName":"Ann","registeredAt":"%s"}""".formatted(user, T0));

        assertThat(displayName(user)).isEqualTo("Ann Newer");
    }

    @Test
    void aPostCreatedHandledAfterItsDeletionStaysDeleted() throws Exception {
        UUID post = UUID.randomUUID();
        UUID author = UUID.randomUUID();
        String created = """
                {"postId":"%s","authorId":"%s","text":"late","createdAt":"%s"}""".formatted(post, author, T0);
        handle("PostCreated", created);
        handle("PostDeleted", """
                {"postId":"%s","authorId":"%s","deletedAt":"%s"}""".formatted(post, author, T0.plusSeconds(5)));
        handle("PostCreated", created);

        int rows = jdbi.withHandle(h -> h.createQuery("SELECT count(*) FROM posts WHERE id = :id")
                .bind("id", post)
                .mapTo(Integer.class)
                .one());
        assertThat(rows).isZero();
    }

    @Test
    void theLaterOfABlockAndAnUnblockWinsWhateverTheOrder() throws Exception {
        UUID blocker = UUID.randomUUID();
        UUID blocked = UUID.randomUUID();
        handle("UserUnblocked", """
                {"blockerId":"%s","blockedId":"%s","unblockedAt":"%s"}""".formatted(blocker, blocked, T0.plusSeconds(5)));
        handle("UserBlocked", """
                {"blockerId":"%s","blockedId":"%s","blockedAt":"%s"}""".formatted(blocker, blocked, T0));
        assertThat(blocks(blocker, blocked)).isFalse();

        handle("UserBlocked", """
                {"blockerId":"%s","blockedId":"%s","blockedAt":"%s"}""".formatted(blocker, blocked, T0.plusSeconds(9)));
        assertThat(blocks(blocker, blocked)).isTrue();
    }

    @Test
    void otherTypesAreIgnoredAndMalformedEventsThrowForTheDeadLetterStream() throws Exception {
        handle("PostLiked", "{\"postId\":\"" + UUID.randomUUID() + "\"}");
        handle("SomethingNew", "{}");
        assertThatThrownBy(() -> handle("PostCreated", "{\"postId\":\"" + UUID.randomUUID() + "\"}"))
                .hasMessageContaining("authorId");
        assertThatThrownBy(() -> handle("UserRegistered", "not json")).isInstanceOf(Exception.class);
    }

    private void handle(String type, String payload) throws Exception {
        updates.handle(new Event(
                UUID.randomUUID().toString(), type, "test", UUID.randomUUID().toString(), T0, payload, Map.of(), 1));
    }

    private String displayName(UUID user) {
        return jdbi.withHandle(h -> h.createQuery("SELECT display_name FROM users WHERE id = :id")
                .bind("id", user)
                .mapTo(String.class)
                .one());
    }

    private boolean blocks(UUID blocker, UUID blocked) {
        return jdbi.withHandle(h -> h.createQuery("SELECT active FROM blocks WHERE blocker_id = :a AND blocked_id = :b")
                .bind("a", blocker)
                .bind("b", blocked)
                .mapTo(Boolean.class)
                .one());
    }

    /** The schema as search-service has migrated it (the shared platform starts it once). */
    private static Jdbi search() {
        Platform.shared();
        String url = Platform.jdbcUrl(Platform.utf8Database());
        return Jdbi.create(
                url + (url.contains("?") ? "&" : "?") + "currentSchema=search",
                SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
    }
}
