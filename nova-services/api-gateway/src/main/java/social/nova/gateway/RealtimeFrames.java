package social.nova.gateway;

import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.ReadMarker;

/**
 * The JSON frames of {@code /api/v1/realtime}. Server to client: {@code {"type":"message","message":{...}}}
 * (the REST routes' message), {@code {"type":"read","conversationId","userId","messageId"}} and
 * {@code {"type":"error","code","message"}}. Client to server: {@code {"type":"resume","after":"<messageId>"}}.
 */
final class RealtimeFrames {
    /** Longest client frame accepted (a resume is about 70 bytes). */
    static final int MAX_CLIENT_FRAME_CHARS = 4096;

    record MessageFrame(String type, Views.MessageView message) {}

    record ReadFrame(String type, String conversationId, String userId, String messageId) {}

    record ErrorFrame(String type, String code, String message) {}

    /** What a client asked for. */
    sealed interface ClientFrame {}

    /** Resume after a message id (a UUID). */
    record Resume(String after) implements ClientFrame {}

    /** A frame that is not one the gateway understands; answered with an error frame. */
    record Invalid(String message) implements ClientFrame {}

    private final ObjectMapper mapper;

    RealtimeFrames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    String message(Message message) {
        return write(new MessageFrame("message", Views.MessageView.of(message)));
    }

    String read(ReadMarker read) {
        return write(new ReadFrame("read", read.getConversationId(), read.getUserId(), read.getMessageId()));
    }

    String error(String code, String message) {
        return write(new ErrorFrame("error", code, message));
    }

    ClientFrame parse(String text) {
        if (text.length() > MAX_CLIENT_FRAME_CHARS) {
            return new Invalid("frame larger than " + MAX_CLIENT_FRAME_CHARS + " characters");
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return new Invalid("malformed JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            return new Invalid("a frame must be a JSON object");
        }
        JsonNode type = node.get("type");
        if (type == null || !type.isTextual()) {
            return new Invalid("field 'type' must be a string");
        }
        if (!type.asText().equals("resume")) {
            return new Invalid("unknown frame type '" + type.asText() + "'; expected resume");
        }
        JsonNode after = node.get("after");
        if (after == null || !after.isTextual() || !isUuid(after.asText())) {
            return new Invalid("field 'after' must be a message id (UUID)");
        }
        for (var names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!name.equals("type") && !name.equals("after")) {
                return new Invalid("unknown field '" + name + "' in a resume frame");
            }
        }
        return new Resume(after.asText());
    }

    private static boolean isUuid(String text) {
        try {
            return text.length() == 36 && UUID.fromString(text) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private String write(Object frame) {
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render a realtime frame", e);
        }
    }
}
