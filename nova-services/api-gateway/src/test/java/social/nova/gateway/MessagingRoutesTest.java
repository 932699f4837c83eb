package social.nova.gateway;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;
import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.Message;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The messaging routes' own decisions and JSON, without a server: keys, "existing", the shapes. */
class MessagingRoutesTest {
    private static final Instant CALL_STARTED = Instant.parse("2026-12-02T12:00:00Z");
    private final Json json = new Json(GatewaySettings.DEFAULT_MAX_BODY_BYTES);

    @Test
    void theBodysKeyWinsThenTheHeadersThenANewUuid() {
        assertThat(MessagingRoutes.idempotencyKey("body-key", Optional.empty())).isEqualTo("body-key");
        assertThat(MessagingRoutes.idempotencyKey("same", Optional.of("same"))).isEqualTo("same");
        assertThat(MessagingRoutes.idempotencyKey(null, Optional.of("header-key")))
                .isEqualTo("header-key");
        String generated = MessagingRoutes.idempotencyKey(null, Optional.empty());
        assertThat(UUID.fromString(generated).toString()).isEqualTo(generated);
        assertThat(MessagingRoutes.idempotencyKey(null, Optional.empty())).isNotEqualTo(generated);
    }

    @Test
    void aBodyKeyAndAHeaderKeyThatDifferAreRefused() {
        NovaException error = catchThrowableOfType(
                NovaException.class, () -> MessagingRoutes.idempotencyKey("one", Optional.of("two")));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.violations()).extracting(FieldViolation::field).containsExactly("idempotencyKey");
    }

    @Test
    void participantIdsLeftOutAreNoneAndANullOneIsRefused() {
        assertThat(MessagingRoutes.participantIds(null)).isEmpty();
        assertThat(MessagingRoutes.participantIds(List.of("a", "b"))).containsExactly("a", "b");
        NovaException error = catchThrowableOfType(
                NovaException.class, () -> MessagingRoutes.participantIds(Arrays.asList("a", null)));
        assertThat(error.violations()).extracting(FieldViolation::field).containsExactly("participantIds");
    }

    @Test
    void aConversationIsWrittenWithItsApiNamesAndANullTitleForTwo() {
        Conversation pair = conversation(2, CALL_STARTED);
        JsonNode written = write(Views.ConversationView.of(pair));
        assertThat(fieldNames(written)).containsExactly("id", "participantIds", "title", "createdAt");
        assertThat(written.path("title").isNull()).isTrue();
        assertThat(written.path("createdAt").asText()).isEqualTo("2026-12-02T12:00:00Z");
        assertThat(written.path("participantIds").get(1).asText()).isEqualTo(pair.getParticipantIds(1));

        JsonNode group = write(Views.ConversationView.of(
                conversation(3, CALL_STARTED).toBuilder().setTitle("Climbers").build()));
        assertThat(group.path("title").asText()).isEqualTo("Climbers");
    }

    @Test
    void aListedConversationAddsUnreadCountAndTheLastMessageOrNull() {
        Message last = message();
        JsonNode listed = write(Views.ConversationSummaryView.of(conversation(2, CALL_STARTED).toBuilder()
                .setUnreadCount(4)
                .setLastMessage(last)
                .build()));
        assertThat(fieldNames(listed))
                .containsExactly("id", "participantIds", "title", "createdAt", "unreadCount", "lastMessage");
        assertThat(listed.path("unreadCount").asLong()).isEqualTo(4);
        assertThat(listed.path("lastMessage")).isEqualTo(write(Views.MessageView.of(last)));

        JsonNode empty = write(Views.ConversationSummaryView.of(conversation(2, CALL_STARTED)));
        assertThat(empty.path("lastMessage").isNull()).isTrue();
        assertThat(empty.path("unreadCount").asLong()).isZero();
    }

    @Test
    void aMessagesCreatedAtIsItsSentAtAndItsKeyStaysOut() {
        Message message = message();
        JsonNode written = write(Views.MessageView.of(message));
        assertThat(fieldNames(written)).containsExactly("id", "conversationId", "senderId", "text", "createdAt");
        assertThat(written.path("createdAt").asText()).isEqualTo("2026-12-02T11:59:30.250Z");
        assertThat(written.path("text").asText()).isEqualTo("hi there");
    }

    private JsonNode write(Object view) {
        return json.mapper().valueToTree(view);
    }

    private static List<String> fieldNames(JsonNode node) {
        return node.properties().stream().map(Map.Entry::getKey).toList();
    }

    private static Conversation conversation(int participants, Instant createdAt) {
        Conversation.Builder conversation = Conversation.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setCreatedAt(Timestamp.newBuilder()
                        .setSeconds(createdAt.getEpochSecond())
                        .setNanos(createdAt.getNano()));
        for (int i = 0; i < participants; i++) {
            conversation.addParticipantIds(UUID.randomUUID().toString());
        }
        return conversation.build();
    }

    private static Message message() {
        return Message.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setSenderId(UUID.randomUUID().toString())
                .setText("hi there")
                .setSentAt(Timestamp.newBuilder()
                        .setSeconds(CALL_STARTED.getEpochSecond() - 30)
                        .setNanos(250_000_000))
                .setIdempotencyKey("secret-key")
                .build();
    }
}
