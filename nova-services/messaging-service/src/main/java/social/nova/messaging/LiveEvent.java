package social.nova.messaging;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * What one instance tells the others over Redis pub/sub after a commit: a new message or a new
 * read position. A message carries the id of the conversation's message before it, which lets a
 * stream see that events of one conversation arrived out of order (two instances publish
 * independently) and read what it missed from PostgreSQL, where it is already committed.
 */
sealed interface LiveEvent {
    ObjectMapper JSON = new ObjectMapper();

    UUID conversationId();

    /** A new message; {@code previousId} is the conversation's newest message before it, null for the first. */
    record NewMessage(Message message, UUID previousId) implements LiveEvent {
        @Override
        public UUID conversationId() {
            return message.conversationId();
        }
    }

    /** A participant read up to a message. */
    record Read(ReadMarker marker) implements LiveEvent {
        @Override
        public UUID conversationId() {
            return marker.conversationId();
        }
    }

    /** The event as the JSON text published on the channel. */
    static String encode(LiveEvent event) {
        ObjectNode json = JSON.createObjectNode();
        switch (event) {
            case NewMessage(Message message, UUID previousId) -> {
                json.put("type", "message");
                json.put("id", message.id().toString());
                json.put("conversationId", message.conversationId().toString());
                json.put("senderId", message.senderId().toString());
                json.put("text", message.text());
                json.put("idempotencyKey", message.idempotencyKey());
                json.put("sentAt", message.sentAt().toString());
                if (previousId != null) {
                    json.put("previousId", previousId.toString());
                }
            }
            case Read(ReadMarker marker) -> {
                json.put("type", "read");
                json.put("conversationId", marker.conversationId().toString());
                json.put("userId", marker.userId().toString());
                json.put("messageId", marker.messageId().toString());
                json.put("readAt", marker.readAt().toString());
            }
        }
        return json.toString();
    }

    /** The event published as {@code text}; IllegalArgumentException for anything else. */
    static LiveEvent decode(String text) {
        try {
            JsonNode json = JSON.readTree(text);
            UUID conversationId = uuid(json, "conversationId");
            return switch (json.path("type").asText()) {
                case "message" ->
                    new NewMessage(
                            new Message(
                                    uuid(json, "id"),
                                    conversationId,
                                    uuid(json, "senderId"),
                                    json.path("text").asText(),
                                    json.path("idempotencyKey").asText(),
                                    Instant.parse(json.path("sentAt").asText())),
                            json.hasNonNull("previousId") ? uuid(json, "previousId") : null);
                case "read" ->
                    new Read(new ReadMarker(
                            conversationId,
                            uuid(json, "userId"),
                            uuid(json, "messageId"),
                            Instant.parse(json.path("readAt").asText())));
                default -> throw new IllegalArgumentException("unknown live event type: " + json.path("type"));
            };
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("not a live event: " + e.getMessage(), e);
        }
    }

    private static UUID uuid(JsonNode json, String field) {
        return UUID.fromString(json.path(field).asText());
    }
}
