package social.nova.search;

import org.jdbi.v3.core.Jdbi;
import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;

/**
 * Keeps the index up to date from the events of {@code nova.events.user} (UserRegistered,
 * UserProfileUpdated, UserBlocked, UserUnblocked) and {@code nova.events.post} (PostCreated,
 * PostDeleted); every other type is ignored. Every write is idempotent and ordered by the event's
 * own time ({@link IndexStore}), so redeliveries and retried events arriving late are harmless. A
 * malformed event throws, is retried and ends in the stream's dead-letter stream.
 */
final class IndexUpdates implements EventHandler {

    private final Jdbi jdbi;
    private final IndexStore store;

    IndexUpdates(Jdbi jdbi, IndexStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    @Override
    public void handle(Event event) throws Exception {
        switch (event.type()) {
            case "UserRegistered" -> user(EventPayload.of(event), "registeredAt");
            case "UserProfileUpdated" -> user(EventPayload.of(event), "updatedAt");
            case "UserBlocked" -> block(EventPayload.of(event), true, "blockedAt");
            case "UserUnblocked" -> block(EventPayload.of(event), false, "unblockedAt");
            case "PostCreated" -> {
                EventPayload post = EventPayload.of(event);
                jdbi.useHandle(handle -> store.addPost(
                        handle,
                        post.uuid("postId"),
                        post.uuid("authorId"),
                        post.text("text"),
                        post.instant("createdAt")));
            }
            case "PostDeleted" -> {
                EventPayload post = EventPayload.of(event);
                jdbi.useTransaction(handle -> store.deletePost(handle, post.uuid("postId"), post.instant("deletedAt")));
            }
            default -> {
                // Other types (follows, likes, new ones) do not change the index.
            }
        }
    }

    private void user(EventPayload user, String timeField) {
        jdbi.useHandle(handle -> store.upsertUser(
                handle, user.uuid("userId"), user.text("username"), user.text("displayName"), user.instant(timeField)));
    }

    private void block(EventPayload block, boolean active, String timeField) {
        jdbi.useHandle(handle -> store.setBlock(
                handle, block.uuid("blockerId"), block.uuid("blockedId"), active, block.instant(timeField)));
    }
}
