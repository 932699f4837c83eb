package social.nova.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A conversation as one participant sees it.
 *
 * @param participants   every participant, the viewer included, in the order they joined
 * @param lastMessage    the newest message, null while there is none
 * @param lastActivityAt the creation time until the first message, then the newest one's: the list order
 * @param unreadCount    messages of others after the viewer's read position
 */
record ConversationView(
        UUID id,
        List<UUID> participants,
        String title,
        Instant createdAt,
        Message lastMessage,
        Instant lastActivityAt,
        long unreadCount) {

    ConversationView withParticipants(List<UUID> all) {
        return new ConversationView(id, all, title, createdAt, lastMessage, lastActivityAt, unreadCount);
    }
}
