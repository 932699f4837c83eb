package social.nova.search;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import social.nova.events.Event;
import social.nova.events.EventHandler;

/**
 * Keeps the index up to date from the events of {@code nova.events.user} (UserRegistered,
 * UserProfileUpdated, UserBlocked, UserUnblocked) and {@code nova.events.post} (PostCreated,
 * PostDeleted); every other type is ignored. Every write is idempotent and ordered by the event's
 * own time ({@link IndexStore}), so redeliveries and retried events arriving late are harmless. A
 * malformed event throws, is retried and ends in the stream's dead-letter stream.
 */
final class IndexUpdates implements EventHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final IndexStore store;

    IndexUpdates(Jdbi jdbi, IndexStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    @Override
    public void handle(Event event) throws Exception {
        switch (event.type()) {
            case "UserRegistered" -> user(JSON.readTree(event.payload()), "registeredAt");
            case "UserProfileUpdated" -> user(JSON.readTree(event.payload()), "updatedAt");
            case "UserBlocked" -> block(JSON.readTree(event.payload()), true, "blockedAt");
            case "UserUnblocked" -> block(JSON.readTree(event.payload()), false, "unblockedAt");
            case "PostCreated" -> {
                JsonNode post = JSON.readTree(event.payload());
                jdbi.useHandle(handle -> store.addPost(handle, id(post, "postId"), id(post, "authorId"),
                        text(post, "text"), time(post, "createdAt")));
            }
            case "PostDeleted" -> {
                JsonNode post = JSON.readTree(event.payload());
                jdbi.useTransaction(handle -> store.deletePost(handle, id(post, "postId"), time(post, "deletedAt")));
            }
            default -> {
                // Other types (follows, likes, new ones) do not change the index.
            }
        }
    }

    private void user(JsonNode user, String timeField) {
        jdbi.useHandle(handle -> store.upsertUser(handle, id(user, "userId"), text(user, "username"),
                text(user, "displayName"), time(user, timeField)));
    }

    private void block(JsonNode block, boolean active, String timeField) {
        jdbi.useHandle(handle -> store.setBlock(handle, id(block, "blockerId"), id(block, "blockedId"), active,
                time(block, timeField)));
    }

    private static UUID id(JsonNode payload, String field) {
        return UUID.fromString(text(payload, field));
    }

    private static Instant time(JsonNode payload, String field) {
        return Instant.parse(text(payload, field));
    }

    private static String text(JsonNode payload, String field) {
        JsonNode value = payload.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException("event payload lacks " + field);
        }
        return value.asText();
    }
}
