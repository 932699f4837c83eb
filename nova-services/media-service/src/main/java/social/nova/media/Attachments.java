package social.nova.media;

import java.util.List;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;

/**
 * Which media posts show, from content-service's events on {@code nova.events.post}: PostCreated's
 * {@code mediaIds} attach the author's media to the post, which makes them readable by anyone (posts
 * are public); PostDeleted detaches them, and they are the owner's alone again unless another post
 * shows them. content-service checked the ids with media-service before the post was written; ids
 * that are not the author's are skipped here all the same.
 */
final class Attachments implements EventHandler {
    private final Jdbi jdbi;
    private final MediaStore store;

    Attachments(Jdbi jdbi, MediaStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    @Override
    public void handle(Event event) {
        switch (event.type()) {
            case "PostCreated" -> {
                EventPayload payload = EventPayload.of(event);
                // Posts written before media existed carry no mediaIds.
                List<UUID> mediaIds = payload.has("mediaIds") ? payload.uuids("mediaIds") : List.of();
                if (!mediaIds.isEmpty()) {
                    UUID post = payload.uuid("postId");
                    UUID author = payload.uuid("authorId");
                    jdbi.useHandle(handle -> store.attach(handle, post, author, mediaIds));
                }
            }
            case "PostDeleted" -> {
                UUID post = EventPayload.of(event).uuid("postId");
                jdbi.useHandle(handle -> store.detach(handle, post));
            }
            default -> {
                // Likes and types added later are not about media.
            }
        }
    }
}
