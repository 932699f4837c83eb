package social.nova.messaging;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * What one stream has delivered, per conversation: the newest message id. Ids of a conversation
 * grow with each send (see {@link MessageIds}) and a stream delivers each conversation in id order,
 * so an id at or below the mark was delivered (or precedes the stream) and everything between the
 * mark and a new message's predecessor was missed and must be read back from PostgreSQL first.
 * Not thread-safe: one stream's worker owns it.
 */
final class Watermarks {
    /** What to do with a new message. */
    sealed interface Decision {}

    /** Delivered before, or older than the stream's start: drop it. */
    record Skip() implements Decision {}

    /** The next one of its conversation: deliver it. */
    record Deliver() implements Decision {}

    /**
     * Messages of the conversation after {@code after} (null: from its first) and before this one
     * were not delivered: read and deliver them first, then this one.
     */
    record FillGap(UUID after) implements Decision {}

    private final Map<UUID, UUID> delivered = new HashMap<>();
    private final UUID floor;

    /**
     * @param floor where conversations without a mark start: the resume point (after_message_id),
     *              or null (everything of a conversation the stream did not know at its start)
     * @param start the marks the stream starts with (a live stream: each conversation's newest message)
     */
    Watermarks(UUID floor, Map<UUID, UUID> start) {
        this.floor = floor;
        delivered.putAll(start);
    }

    Decision decide(UUID conversationId, UUID messageId, UUID previousId) {
        UUID mark = delivered.getOrDefault(conversationId, floor);
        if (mark != null && !MessageIds.isAfter(messageId, mark)) {
            return new Skip();
        }
        if (previousId != null && (mark == null || MessageIds.isAfter(previousId, mark))) {
            return new FillGap(mark);
        }
        return new Deliver();
    }

    /** Records a delivered message (marks only move forward). */
    void delivered(UUID conversationId, UUID messageId) {
        delivered.merge(conversationId, messageId, (old, id) -> MessageIds.isAfter(id, old) ? id : old);
    }
}
