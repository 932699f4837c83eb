package social.nova.messaging;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import social.nova.db.Outbox;
import social.nova.db.OutboxEvent;
import social.nova.kit.Paging;

/**
 * SQL for {@code messaging.conversations}, {@code participants} and {@code messages}. Every method
 * runs on the caller's handle.
 */
final class MessagingStore {
    private static final String MESSAGE_COLUMNS = "id, conversation_id, sender_id, text, idempotency_key, sent_at";

    /**
     * A conversation row with the viewer's last message and unread count: one statement per page
     * of conversations (participants come in a second one, {@link #participantsOf}).
     */
    private static final String VIEW = "SELECT c.id, c.title, c.created_at, c.last_activity_at, "
            + "m.id AS m_id, m.sender_id AS m_sender_id, m.text AS m_text, m.idempotency_key AS m_key, "
            + "m.sent_at AS m_sent_at, "
            + "(SELECT count(*) FROM messages u WHERE u.conversation_id = c.id AND u.sender_id <> p.user_id "
            + "AND (p.last_read_message_id IS NULL OR u.id > p.last_read_message_id)) AS unread "
            + "FROM participants p JOIN conversations c ON c.id = p.conversation_id "
            + "LEFT JOIN messages m ON m.id = c.last_message_id "
            + "WHERE p.user_id = :viewer ";

    /** The two-person conversation of a pair (lower id first), if it exists. */
    Optional<UUID> pair(Handle handle, UUID low, UUID high) {
        return handle.createQuery("SELECT id FROM conversations WHERE pair_low = :low AND pair_high = :high")
                .bind("low", low)
                .bind("high", high)
                .mapTo(UUID.class)
                .findOne();
    }

    /**
     * Inserts a conversation; false when it is a pair that already has one (possibly created by a
     * concurrent call, whose commit this statement waited for).
     */
    boolean insertConversation(Handle handle, UUID id, String title, UUID low, UUID high, Instant createdAt) {
        return handle.createUpdate("INSERT INTO conversations (id, title, pair_low, pair_high, created_at, "
                                + "last_activity_at) VALUES (:id, :title, :low, :high, :at, :at) "
                                + "ON CONFLICT (pair_low, pair_high) DO NOTHING")
                        .bind("id", id)
                        .bind("title", title)
                        .bind("low", low)
                        .bind("high", high)
                        .bind("at", Timestamp.from(createdAt))
                        .execute()
                == 1;
    }

    void insertParticipants(Handle handle, UUID conversationId, List<UUID> users, Instant joinedAt) {
        var batch = handle.prepareBatch("INSERT INTO participants (conversation_id, user_id, joined_at) "
                + "VALUES (:conversation, :user, :at)");
        for (UUID user : users) {
            batch.bind("conversation", conversationId)
                    .bind("user", user)
                    .bind("at", Timestamp.from(joinedAt))
                    .add();
        }
        batch.execute();
    }

    /** The conversation as {@code viewer} sees it, if the viewer takes part in it. */
    Optional<ConversationView> view(Handle handle, UUID conversationId, UUID viewer) {
        Optional<ConversationView> view = handle.createQuery(VIEW + "AND c.id = :id")
                .bind("viewer", viewer)
                .bind("id", conversationId)
                .map(MessagingStore::conversation)
                .findOne();
        return view.map(found -> found.withParticipants(participants(handle, conversationId)));
    }

    /** Up to {@code limit} of the viewer's conversations, most recent activity first, after {@code after}. */
    List<ConversationView> conversationsOf(Handle handle, UUID viewer, Paging.Position after, int limit) {
        String keyset = after == null ? "" : "AND (c.last_activity_at, c.id) < (:afterAt, :afterId) ";
        var query = handle.createQuery(VIEW + keyset + "ORDER BY c.last_activity_at DESC, c.id DESC LIMIT :limit")
                .bind("viewer", viewer)
                .bind("limit", limit);
        if (after != null) {
            query.bind("afterAt", Timestamp.from(after.at())).bind("afterId", after.id());
        }
        List<ConversationView> rows = query.map(MessagingStore::conversation).list();
        Map<UUID, List<UUID>> participants =
                participantsOf(handle, rows.stream().map(ConversationView::id).toList());
        return rows.stream()
                .map(row -> row.withParticipants(participants.getOrDefault(row.id(), List.of())))
                .toList();
    }

    /** Current participants, in the order they joined. */
    /**
     * What a send checks before it spends a permit: the conversation's participants (empty for an
     * unknown conversation) and the message the sender already sent with {@code key} since
     * {@code since}, if any. One statement where there were two.
     */
    record SendContext(List<UUID> participants, Optional<Message> earlier) {}

    SendContext sendContext(Handle handle, UUID conversationId, UUID sender, String key, Instant since) {
        return handle.createQuery("SELECT ARRAY(SELECT user_id FROM participants WHERE conversation_id = :id "
                        + "ORDER BY joined_at, user_id) AS participants, m.* FROM (VALUES (1)) AS one (x) "
                        + "LEFT JOIN LATERAL (SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = :id "
                        + "AND sender_id = :sender AND idempotency_key = :key AND sent_at > :since "
                        + "ORDER BY sent_at DESC LIMIT 1) m ON true")
                .bind("id", conversationId)
                .bind("sender", sender)
                .bind("key", key)
                .bind("since", Timestamp.from(since))
                .map((rs, ctx) -> new SendContext(
                        List.of((UUID[]) rs.getArray("participants").getArray()),
                        rs.getObject("id") == null ? Optional.empty() : Optional.of(message(rs, ctx))))
                .one();
    }

    List<UUID> participants(Handle handle, UUID conversationId) {
        return handle.createQuery(
                        "SELECT user_id FROM participants WHERE conversation_id = :id " + "ORDER BY joined_at, user_id")
                .bind("id", conversationId)
                .mapTo(UUID.class)
                .list();
    }

    Map<UUID, List<UUID>> participantsOf(Handle handle, List<UUID> conversationIds) {
        Map<UUID, List<UUID>> participants = new LinkedHashMap<>();
        if (conversationIds.isEmpty()) {
            return participants;
        }
        handle.createQuery("SELECT conversation_id, user_id FROM participants WHERE conversation_id = ANY(:ids) "
                        + "ORDER BY joined_at, user_id")
                .bindArray("ids", UUID.class, conversationIds)
                .map((rs, ctx) ->
                        Map.entry(rs.getObject("conversation_id", UUID.class), rs.getObject("user_id", UUID.class)))
                .forEach(entry -> participants
                        .computeIfAbsent(entry.getKey(), id -> new ArrayList<>())
                        .add(entry.getValue()));
        return participants;
    }

    boolean isParticipant(Handle handle, UUID conversationId, UUID user) {
        return handle.createQuery("SELECT EXISTS (SELECT 1 FROM participants WHERE conversation_id = :id "
                        + "AND user_id = :user)")
                .bind("id", conversationId)
                .bind("user", user)
                .mapTo(Boolean.class)
                .one();
    }

    /** Mutes or unmutes the conversation for {@code user}; false when the user is not a participant. */
    boolean setMuted(Handle handle, UUID conversationId, UUID user, boolean muted) {
        return handle.createUpdate(
                                "UPDATE participants SET muted = :muted WHERE conversation_id = :id AND user_id = :user")
                        .bind("muted", muted)
                        .bind("id", conversationId)
                        .bind("user", user)
                        .execute()
                == 1;
    }

    /** Which of {@code users} take part in the conversation without having muted it. */
    List<UUID> unmutedParticipantsAmong(Handle handle, UUID conversationId, List<UUID> users) {
        return handle.createQuery("SELECT user_id FROM participants WHERE conversation_id = :id "
                        + "AND user_id = ANY(:users) AND NOT muted ORDER BY user_id")
                .bind("id", conversationId)
                .bindArray("users", UUID.class, users)
                .mapTo(UUID.class)
                .list();
    }

    /** A device registered for pushes. */
    record Device(String token, UUID userId, String platform) {}

    /** Registers {@code token} for {@code user}, taking it from whoever had it. */
    void registerDevice(Handle handle, String token, UUID user, String platform, Instant now) {
        handle.createUpdate("INSERT INTO devices (token, user_id, platform, registered_at, updated_at) "
                        + "VALUES (:token, :user, :platform, :now, :now) ON CONFLICT (token) DO UPDATE SET "
                        + "user_id = excluded.user_id, platform = excluded.platform, updated_at = excluded.updated_at")
                .bind("token", token)
                .bind("user", user)
                .bind("platform", platform)
                .bind("now", Timestamp.from(now))
                .execute();
    }

    /** The devices of {@code users}. */
    List<Device> devicesOf(Handle handle, List<UUID> users) {
        return handle.createQuery("SELECT token, user_id, platform FROM devices WHERE user_id = ANY(:users) "
                        + "ORDER BY user_id, registered_at")
                .bindArray("users", UUID.class, users)
                .map((rs, ctx) -> new Device(
                        rs.getString("token"), rs.getObject("user_id", UUID.class), rs.getString("platform")))
                .list();
    }

    /** Forgets a device token (FCM refused it for good). */
    void removeDevice(Handle handle, String token) {
        handle.createUpdate("DELETE FROM devices WHERE token = :token")
                .bind("token", token)
                .execute();
    }

    /** A message's text, or empty when it does not exist. */
    Optional<String> messageText(Handle handle, UUID messageId) {
        return handle.createQuery("SELECT text FROM messages WHERE id = :id")
                .bind("id", messageId)
                .mapTo(String.class)
                .findOne();
    }

    /**
     * The conversation's newest message id before the send, read with the row locked, and the
     * sender's message with the send's idempotency key, read after the lock was granted.
     */
    record Locked(UUID lastMessageId, Optional<Message> earlier) {}

    /**
     * Locks the conversation row until the transaction ends, then reads the sender's message with
     * {@code key} since {@code since}: the sends of one conversation are serialised, so the id
     * generated next is above every committed one, and an idempotency key is checked and stored
     * without a race. Empty for an unknown conversation.
     *
     * <p>One round trip: the lock and the read are two statements sent together (the JDBC driver
     * sends both, then waits for both answers). They must stay two: under read committed each
     * statement reads with a snapshot of its own, so the read, which PostgreSQL runs once the lock is
     * held, sees a send with the same key that committed while this one waited for the lock. As one
     * statement (a join under {@code FOR UPDATE}) it would read the messages with the snapshot taken
     * before the wait, miss that send, and store the message twice.
     */
    Optional<Locked> lockForSend(Handle handle, UUID conversationId, UUID sender, String key, Instant since) {
        return handle.createQuery("SELECT last_message_id FROM conversations WHERE id = :id FOR UPDATE; "
                        + "SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = :id "
                        + "AND sender_id = :sender AND idempotency_key = :key AND sent_at > :since "
                        + "ORDER BY sent_at DESC LIMIT 1")
                .bind("id", conversationId)
                .bind("sender", sender)
                .bind("key", key)
                .bind("since", Timestamp.from(since))
                .execute((executed, ctx) -> {
                    PreparedStatement statement = executed.get();
                    UUID last;
                    boolean found;
                    try (ResultSet conversation = statement.getResultSet()) {
                        found = conversation.next();
                        last = found ? conversation.getObject("last_message_id", UUID.class) : null;
                    }
                    if (!statement.getMoreResults()) {
                        throw new IllegalStateException("the idempotency key's read returned no result set");
                    }
                    Optional<Message> earlier;
                    try (ResultSet keyed = statement.getResultSet()) {
                        earlier = keyed.next() ? Optional.of(message(keyed, ctx)) : Optional.empty();
                    }
                    return found ? Optional.of(new Locked(last, earlier)) : Optional.<Locked>empty();
                });
    }

    /**
     * Stores the message, makes it the conversation's newest (the row is locked, see
     * {@link #lockForSend}) and appends its event, in one statement.
     */
    void insertMessage(Handle handle, Message message, OutboxEvent event) {
        Outbox.appendAfter(
                handle,
                "inserted AS (INSERT INTO messages (" + MESSAGE_COLUMNS + ") "
                        + "VALUES (:id, :conversation, :sender, :text, :key, :sentAt)), "
                        + "newest AS (UPDATE conversations SET last_message_id = :id, last_activity_at = :sentAt "
                        + "WHERE id = :conversation)",
                update -> update.bind("id", message.id())
                        .bind("conversation", message.conversationId())
                        .bind("sender", message.senderId())
                        .bind("text", message.text())
                        .bind("key", message.idempotencyKey())
                        .bind("sentAt", Timestamp.from(message.sentAt())),
                event);
    }

    /** Up to {@code limit} messages of a conversation, newest first, older than {@code before} (null: the newest). */
    List<Message> messages(Handle handle, UUID conversationId, UUID before, int limit) {
        String keyset = before == null ? "" : "AND id < :before ";
        var query = handle.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = :id "
                        + keyset + "ORDER BY id DESC LIMIT :limit")
                .bind("id", conversationId)
                .bind("limit", limit);
        if (before != null) {
            query.bind("before", before);
        }
        return query.map(MessagingStore::message).list();
    }

    /** The message, if it belongs to the conversation. */
    Optional<Message> messageIn(Handle handle, UUID conversationId, UUID messageId) {
        return handle.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE id = :id "
                        + "AND conversation_id = :conversation")
                .bind("id", messageId)
                .bind("conversation", conversationId)
                .map(MessagingStore::message)
                .findOne();
    }

    /** The message, if it belongs to one of the user's conversations. */
    Optional<Message> visibleMessage(Handle handle, UUID user, UUID messageId) {
        return handle.createQuery("SELECT m.id, m.conversation_id, m.sender_id, m.text, m.idempotency_key, m.sent_at "
                        + "FROM messages m JOIN participants p ON p.conversation_id = m.conversation_id "
                        + "AND p.user_id = :user WHERE m.id = :id")
                .bind("id", messageId)
                .bind("user", user)
                .map(MessagingStore::message)
                .findOne();
    }

    /** Moves the read position up to {@code messageId}; false when it already was there or further. */
    boolean markRead(Handle handle, UUID conversationId, UUID user, UUID messageId) {
        return handle.createUpdate("UPDATE participants SET last_read_message_id = :message "
                                + "WHERE conversation_id = :conversation AND user_id = :user "
                                + "AND (last_read_message_id IS NULL OR last_read_message_id < :message)")
                        .bind("message", messageId)
                        .bind("conversation", conversationId)
                        .bind("user", user)
                        .execute()
                == 1;
    }

    /** Messages of others after the user's read position in one conversation. */
    long unread(Handle handle, UUID conversationId, UUID user) {
        return handle.createQuery("SELECT count(*) FROM participants p JOIN messages m "
                        + "ON m.conversation_id = p.conversation_id AND m.sender_id <> p.user_id "
                        + "AND (p.last_read_message_id IS NULL OR m.id > p.last_read_message_id) "
                        + "WHERE p.conversation_id = :conversation AND p.user_id = :user")
                .bind("conversation", conversationId)
                .bind("user", user)
                .mapTo(Long.class)
                .one();
    }

    /** Unread messages over all the user's conversations, and the conversations with any. */
    record UnreadTotals(long messages, long conversations) {}

    UnreadTotals unreadTotals(Handle handle, UUID user) {
        return handle.createQuery("SELECT count(*) AS messages, count(DISTINCT m.conversation_id) AS conversations "
                        + "FROM participants p JOIN messages m ON m.conversation_id = p.conversation_id "
                        + "AND m.sender_id <> p.user_id "
                        + "AND (p.last_read_message_id IS NULL OR m.id > p.last_read_message_id) "
                        + "WHERE p.user_id = :user")
                .bind("user", user)
                .map((rs, ctx) -> new UnreadTotals(rs.getLong("messages"), rs.getLong("conversations")))
                .one();
    }

    /**
     * Up to {@code limit} messages of the user's conversations (or of {@code conversationId}) with
     * an id above {@code after}, oldest first: a resuming stream's catch-up.
     */
    List<Message> messagesAfter(Handle handle, UUID user, UUID conversationId, UUID after, int limit) {
        String only = conversationId == null ? "" : "AND m.conversation_id = :conversation ";
        var query = handle.createQuery("SELECT m.id, m.conversation_id, m.sender_id, m.text, m.idempotency_key, "
                        + "m.sent_at FROM messages m JOIN participants p ON p.conversation_id = m.conversation_id "
                        + "AND p.user_id = :user WHERE m.id > :after " + only
                        + "ORDER BY m.id LIMIT :limit")
                .bind("user", user)
                .bind("after", after)
                .bind("limit", limit);
        if (conversationId != null) {
            query.bind("conversation", conversationId);
        }
        return query.map(MessagingStore::message).list();
    }

    /**
     * The messages of a conversation strictly between two ids (a null {@code after}: from the
     * first), oldest first: what a stream missed when events of one conversation arrived out of order.
     */
    List<Message> between(Handle handle, UUID conversationId, UUID after, UUID before) {
        String from = after == null ? "" : "AND id > :after ";
        var query = handle.createQuery("SELECT " + MESSAGE_COLUMNS + " FROM messages WHERE conversation_id = :id "
                        + from + "AND id < :before ORDER BY id")
                .bind("id", conversationId)
                .bind("before", before);
        if (after != null) {
            query.bind("after", after);
        }
        return query.map(MessagingStore::message).list();
    }

    /** The newest message id of each of the user's conversations that has messages. */
    Map<UUID, UUID> lastMessageIds(Handle handle, UUID user) {
        Map<UUID, UUID> last = new LinkedHashMap<>();
        handle.createQuery("SELECT c.id, c.last_message_id FROM participants p JOIN conversations c "
                        + "ON c.id = p.conversation_id WHERE p.user_id = :user AND c.last_message_id IS NOT NULL")
                .bind("user", user)
                .map((rs, ctx) ->
                        Map.entry(rs.getObject("id", UUID.class), rs.getObject("last_message_id", UUID.class)))
                .forEach(entry -> last.put(entry.getKey(), entry.getValue()));
        return last;
    }

    private static ConversationView conversation(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
            throws SQLException {
        UUID id = rs.getObject("id", UUID.class);
        UUID lastId = rs.getObject("m_id", UUID.class);
        Message last = lastId == null
                ? null
                : new Message(
                        lastId,
                        id,
                        rs.getObject("m_sender_id", UUID.class),
                        rs.getString("m_text"),
                        rs.getString("m_key"),
                        rs.getTimestamp("m_sent_at").toInstant());
        return new ConversationView(
                id,
                List.of(),
                rs.getString("title"),
                rs.getTimestamp("created_at").toInstant(),
                last,
                rs.getTimestamp("last_activity_at").toInstant(),
                rs.getLong("unread"));
    }

    private static Message message(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx) throws SQLException {
        return new Message(
                rs.getObject("id", UUID.class),
                rs.getObject("conversation_id", UUID.class),
                rs.getObject("sender_id", UUID.class),
                rs.getString("text"),
                rs.getString("idempotency_key"),
                rs.getTimestamp("sent_at").toInstant());
    }
}
