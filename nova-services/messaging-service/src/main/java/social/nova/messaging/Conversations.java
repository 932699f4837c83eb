package social.nova.messaging;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Conversations and each participant's read position. Only participants see a conversation: for
 * anyone else it is NOT_FOUND, like one that does not exist.
 */
final class Conversations {
    static final int MAX_OTHERS = 49;
    static final int MAX_TITLE = 100;

    private final Jdbi jdbi;
    private final MessagingStore store;
    private final MessagingPermissions permissions;
    private final RateLimiter createLimit;
    private final Paging paging;
    private final LiveFeed live;
    private final Clock clock;

    /** One page of the caller's conversations. */
    record ConversationPage(List<ConversationView> conversations, String nextCursor) {}

    Conversations(
            Jdbi jdbi,
            MessagingStore store,
            MessagingPermissions permissions,
            RateLimiter createLimit,
            Paging paging,
            LiveFeed live,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.permissions = permissions;
        this.createLimit = createLimit;
        this.paging = paging;
        this.live = live;
        this.clock = clock;
    }

    /** What CreateConversation answers: the conversation, and whether this call created it. */
    record Creation(ConversationView conversation, boolean created) {}

    /**
     * A new conversation of the caller with {@code participantIds}; for exactly one other user, the
     * pair's existing conversation if there is one (also when a concurrent call just created it).
     */
    Creation create(UUID caller, List<String> participantIds, String title) {
        Violations violations = new Violations();
        List<UUID> others = others(caller, participantIds, violations);
        String stripped = title == null ? "" : title.strip();
        violations.require(
                stripped.codePointCount(0, stripped.length()) <= MAX_TITLE,
                "title",
                "must be at most " + MAX_TITLE + " characters");
        violations.require(
                stripped.isEmpty() || others.size() != 1, "title", "is only for groups of more than two users");
        violations.throwIfAny();

        UUID low = null;
        UUID high = null;
        if (others.size() == 1) {
            UUID other = others.getFirst();
            boolean callerFirst = MessageIds.ORDER.compare(caller, other) < 0;
            low = callerFirst ? caller : other;
            high = callerFirst ? other : caller;
            UUID pairLow = low;
            UUID pairHigh = high;
            var existing = jdbi.withHandle(
                    handle -> store.pair(handle, pairLow, pairHigh).flatMap(id -> store.view(handle, id, caller)));
            if (existing.isPresent()) {
                return new Creation(existing.get(), false);
            }
        }
        RateLimits.enforce(createLimit, caller.toString(), MessagingErrors.DOMAIN);
        permissions.requireMayStartConversation(others);

        UUID id = UUID.randomUUID();
        Instant now = now();
        List<UUID> everyone = new ArrayList<>();
        everyone.add(caller);
        everyone.addAll(others);
        UUID pairLow = low;
        UUID pairHigh = high;
        return jdbi.inTransaction(handle -> {
            if (!store.insertConversation(handle, id, stripped, pairLow, pairHigh, now)) {
                // A concurrent call created the pair's conversation; this statement waited for its commit.
                UUID existing = store.pair(handle, pairLow, pairHigh).orElseThrow();
                return new Creation(store.view(handle, existing, caller).orElseThrow(), false);
            }
            store.insertParticipants(handle, id, everyone, now);
            return new Creation(store.view(handle, id, caller).orElseThrow(), true);
        });
    }

    /** The caller's conversations, most recent activity first. */
    ConversationPage list(UUID caller, int limit, String cursor) {
        Violations violations = new Violations();
        String scope = "ListConversations:" + caller;
        Paging.Query query = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();
        return jdbi.withHandle(handle -> {
            List<ConversationView> rows = store.conversationsOf(handle, caller, query.after(), query.limit() + 1);
            Paging.Page<ConversationView> page =
                    paging.page(rows, query, scope, row -> new Paging.Position(row.lastActivityAt(), row.id()));
            return new ConversationPage(page.items(), page.nextCursor());
        });
    }

    /**
     * Moves the caller's read position up to the message (never back) and answers how many
     * messages remain unread there; other participants' streams hear of a move.
     */
    long markRead(UUID caller, String conversationId, String messageId) {
        Violations violations = new Violations();
        UUID conversation = Ids.parse(conversationId, "conversation_id", violations);
        UUID message = Ids.parse(messageId, "message_id", violations);
        violations.throwIfAny();

        Instant now = now();
        record Marked(boolean moved, long unread) {}
        Marked marked = jdbi.inTransaction(handle -> {
            if (!store.isParticipant(handle, conversation, caller)) {
                throw MessagingErrors.conversationNotFound(conversation);
            }
            store.messageIn(handle, conversation, message).orElseThrow(() -> MessagingErrors.messageNotFound(message));
            boolean moved = store.markRead(handle, conversation, caller, message);
            return new Marked(moved, store.unread(handle, conversation, caller));
        });
        if (marked.moved()) {
            live.publish(new LiveEvent.Read(new ReadMarker(conversation, caller, message, now)));
        }
        return marked.unread();
    }

    /** Mutes or unmutes the conversation's pushes for the caller; NOT_FOUND unless a participant. */
    void setMuted(UUID caller, String conversationId, boolean muted) {
        Violations violations = new Violations();
        UUID conversation = Ids.parse(conversationId, "conversation_id", violations);
        violations.throwIfAny();
        if (!jdbi.withHandle(handle -> store.setMuted(handle, conversation, caller, muted))) {
            throw MessagingErrors.conversationNotFound(conversation);
        }
    }

    MessagingStore.UnreadTotals unread(UUID caller) {
        return jdbi.withHandle(handle -> store.unreadTotals(handle, caller));
    }

    /** The other participants: 1..49 distinct UUIDs, not the caller (violations on participant_ids). */
    private static List<UUID> others(UUID caller, List<String> participantIds, Violations violations) {
        String field = "participant_ids";
        if (participantIds.isEmpty() || participantIds.size() > MAX_OTHERS) {
            violations.add(field, "must name 1.." + MAX_OTHERS + " other users");
            return List.of();
        }
        long invalid = participantIds.stream().filter(id -> !Ids.isUuid(id)).count();
        if (invalid > 0) {
            violations.add(field, "must all be UUIDs (" + invalid + " are not)");
            return List.of();
        }
        Set<UUID> distinct = new LinkedHashSet<>();
        participantIds.forEach(id -> distinct.add(UUID.fromString(id)));
        violations.require(distinct.size() == participantIds.size(), field, "must not repeat a user");
        violations.require(!distinct.contains(caller), field, "must not include the caller");
        return List.copyOf(distinct);
    }

    /** PostgreSQL keeps microseconds: answers must show the time a later read will show. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
