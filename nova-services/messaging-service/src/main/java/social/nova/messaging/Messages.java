package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import io.grpc.stub.ServerCallStreamObserver;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Messages: sending (idempotent per sender, conversation and key for a day), listing, and the
 * live streams. A message is stored once per conversation; its id is generated while the
 * conversation's row is locked, above the previous one, so the ids of a conversation sort by
 * sending order on every instance.
 */
final class Messages {
    static final int MAX_TEXT = 4000;
    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("^[A-Za-z0-9_-]{1,64}$");

    private final Jdbi jdbi;
    private final MessagingStore store;
    private final MessagingPermissions permissions;
    private final RateLimiter sendLimit;
    private final Paging paging;
    private final MessageIds ids;
    private final LiveFeed live;
    private final LiveStreams streams;
    private final Duration idempotencyWindow;
    private final Clock clock;

    /** One page of a conversation's messages. */
    record MessagePage(List<Message> messages, String nextCursor) {}

    Messages(
            Jdbi jdbi,
            MessagingStore store,
            MessagingPermissions permissions,
            RateLimiter sendLimit,
            Paging paging,
            MessageIds ids,
            LiveFeed live,
            LiveStreams streams,
            Duration idempotencyWindow,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.permissions = permissions;
        this.sendLimit = sendLimit;
        this.paging = paging;
        this.ids = ids;
        this.live = live;
        this.streams = streams;
        this.idempotencyWindow = idempotencyWindow;
        this.clock = clock;
    }

    /**
     * Sends a message, or answers the one the caller sent with the same key in this conversation
     * within the idempotency window (ALREADY_EXISTS, IDEMPOTENCY_KEY_REUSED, if its text differs).
     * {@code answer} gets the message once it is stored, and only then is its live event published:
     * the sender's answer does not wait for that round trip to Redis. The other participants'
     * streams get the event a moment later, and a stream orders what it delivers by message id
     * whatever order events arrive in ({@link Watermarks}). The event is published even when
     * {@code answer} throws (the sender went away): the message is stored either way.
     */
    void send(UUID caller, String conversationId, String text, String idempotencyKey, Consumer<Message> answer) {
        Violations violations = new Violations();
        UUID conversation = Ids.parse(conversationId, "conversation_id", violations);
        String stripped = text == null ? "" : text.strip();
        int length = stripped.codePointCount(0, stripped.length());
        violations.require(
                length >= 1 && length <= MAX_TEXT, "text", "must be 1 to " + MAX_TEXT + " characters after trimming");
        violations.require(
                idempotencyKey != null
                        && IDEMPOTENCY_KEY.matcher(idempotencyKey).matches(),
                "idempotency_key",
                "must be 1..64 characters of A-Z, a-z, 0-9, '-' and '_' (a UUID is recommended)");
        violations.throwIfAny();

        MessagingStore.SendContext context = jdbi.withHandle(handle ->
                store.sendContext(handle, conversation, caller, idempotencyKey, now().minus(idempotencyWindow)));
        List<UUID> participants = context.participants();
        if (!participants.contains(caller)) {
            throw MessagingErrors.conversationNotFound(conversation);
        }
        // A retry answers at once, without spending a permit or asking user-service again.
        Optional<Message> earlier = context.earlier();
        if (earlier.isPresent()) {
            answer.accept(replay(earlier.get(), stripped));
            return;
        }
        RateLimits.enforce(sendLimit, caller.toString(), MessagingErrors.DOMAIN);
        if (participants.size() == 2) {
            permissions.requireNotBlocked(participants.stream()
                    .filter(id -> !id.equals(caller))
                    .findFirst()
                    .orElseThrow());
        }

        record Sent(Message message, UUID previousId, boolean isNew) {}
        Sent sent = jdbi.inTransaction(handle -> {
            // The key is checked again under the lock: a concurrent retry with it may have committed meanwhile.
            MessagingStore.Locked locked = store.lockForSend(
                            handle, conversation, caller, idempotencyKey, now().minus(idempotencyWindow))
                    .orElseThrow(() -> MessagingErrors.conversationNotFound(conversation));
            if (locked.earlier().isPresent()) {
                return new Sent(locked.earlier().get(), null, false);
            }
            Message message = new Message(
                    ids.after(locked.lastMessageId()), conversation, caller, stripped, idempotencyKey, now());
            store.insertMessage(
                    handle,
                    message,
                    MessageEvents.sent(
                            message,
                            participants.stream()
                                    .filter(id -> !id.equals(caller))
                                    .toList()));
            return new Sent(message, locked.lastMessageId(), true);
        });
        if (!sent.isNew()) {
            answer.accept(replay(sent.message(), stripped));
            return;
        }
        try {
            answer.accept(sent.message());
        } finally {
            live.publish(new LiveEvent.NewMessage(sent.message(), sent.previousId()));
        }
    }

    /** A conversation's messages, newest first. */
    MessagePage list(UUID caller, String conversationId, int limit, String cursor) {
        Violations violations = new Violations();
        UUID conversation = Ids.parse(conversationId, "conversation_id", violations);
        String scope = "ListMessages:" + (conversation == null ? conversationId : conversation);
        Paging.Query query = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();
        return jdbi.withHandle(handle -> {
            if (!store.isParticipant(handle, conversation, caller)) {
                throw MessagingErrors.conversationNotFound(conversation);
            }
            UUID before = query.after() == null ? null : query.after().id();
            List<Message> rows = store.messages(handle, conversation, before, query.limit() + 1);
            Paging.Page<Message> page =
                    paging.page(rows, query, scope, message -> new Paging.Position(message.sentAt(), message.id()));
            return new MessagePage(page.items(), page.nextCursor());
        });
    }

    /**
     * Opens a stream of the caller's conversations (or of one): resumed after a message the caller
     * can see, or live from now. Ends UNAUTHENTICATED at {@code tokenExpiresAt}.
     */
    void stream(
            UUID caller,
            Instant tokenExpiresAt,
            String conversationId,
            String afterMessageId,
            ServerCallStreamObserver<StreamMessagesResponse> observer) {
        Violations violations = new Violations();
        UUID conversation = conversationId.isEmpty() ? null : Ids.parse(conversationId, "conversation_id", violations);
        UUID after = afterMessageId.isEmpty() ? null : Ids.parse(afterMessageId, "after_message_id", violations);
        violations.throwIfAny();
        jdbi.useHandle(handle -> {
            if (conversation != null && !store.isParticipant(handle, conversation, caller)) {
                throw MessagingErrors.conversationNotFound(conversation);
            }
            if (after != null) {
                store.visibleMessage(handle, caller, after)
                        .filter(message ->
                                conversation == null || message.conversationId().equals(conversation))
                        .orElseThrow(
                                () -> NovaException.builder(ErrorCode.NOT_FOUND, "message '" + after + "' not found")
                                        .domain(MessagingErrors.DOMAIN)
                                        .violation("after_message_id", "names no message of the caller's conversations")
                                        .build());
            }
        });
        streams.open(caller, conversation, after, tokenExpiresAt, observer);
    }

    private static Message replay(Message earlier, String text) {
        if (!earlier.text().equals(text)) {
            throw MessagingErrors.idempotencyKeyReused(earlier.idempotencyKey());
        }
        return earlier;
    }

    /** PostgreSQL keeps microseconds: answers must show the time a later read will show. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
