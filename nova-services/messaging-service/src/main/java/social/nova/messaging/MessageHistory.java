package social.nova.messaging;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;

/** What a stream reads back from PostgreSQL: where it starts, its catch-up, and the gaps it finds. */
interface MessageHistory {
    /** The newest message id of each of the user's conversations that has messages. */
    Map<UUID, UUID> lastMessageIds(UUID user);

    /** Up to {@code limit} messages of the user's conversations (or of one) after {@code after}, oldest first. */
    List<Message> after(UUID user, UUID conversationId, UUID after, int limit);

    /** The messages of a conversation strictly between two ids ({@code after} null: from its first), oldest first. */
    List<Message> between(UUID conversationId, UUID after, UUID before);

    static MessageHistory of(Jdbi jdbi, MessagingStore store) {
        return new MessageHistory() {
            @Override
            public Map<UUID, UUID> lastMessageIds(UUID user) {
                return jdbi.withHandle(handle -> store.lastMessageIds(handle, user));
            }

            @Override
            public List<Message> after(UUID user, UUID conversationId, UUID after, int limit) {
                return jdbi.withHandle(handle -> store.messagesAfter(handle, user, conversationId, after, limit));
            }

            @Override
            public List<Message> between(UUID conversationId, UUID after, UUID before) {
                return jdbi.withHandle(handle -> store.between(handle, conversationId, after, before));
            }
        };
    }
}
