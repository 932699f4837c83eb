package social.nova.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * An event's JSON payload as a handler reads it (contracts/README.md, "Events": camelCase fields,
 * ids as UUID text, times ISO-8601). Every getter refuses a missing, blank or malformed field with
 * an {@link IllegalArgumentException} naming the event type and the field: the handler throws, the
 * event is retried and, still malformed, ends in the dead-letter stream with that message.
 */
public final class EventPayload {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String type;
    private final JsonNode payload;

    private EventPayload(String type, JsonNode payload) {
        this.type = type;
        this.payload = payload;
    }

    /** The payload of {@code event}; refused when it is not a JSON object. */
    public static EventPayload of(Event event) {
        JsonNode payload;
        try {
            payload = JSON.readTree(event.payload());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(event.type() + " payload is not JSON: " + e.getOriginalMessage(), e);
        }
        if (payload == null || !payload.isObject()) {
            throw new IllegalArgumentException(event.type() + " payload is not a JSON object");
        }
        return new EventPayload(event.type(), payload);
    }

    /** Whether the payload has {@code field} (not null): lets a consumer accept events written before a field was added. */
    public boolean has(String field) {
        JsonNode value = payload.get(field);
        return value != null && !value.isNull();
    }

    /** A text field that is present and not blank. */
    public String text(String field) {
        JsonNode value = payload.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            throw new IllegalArgumentException(type + " payload lacks " + field);
        }
        return value.asText();
    }

    /** A boolean field, false when absent (an optional flag added to a payload later). */
    public boolean flag(String field) {
        JsonNode value = payload.get(field);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(type + " payload field " + field + " is not a boolean: " + value);
        }
        return value.asBoolean();
    }

    /** A UUID field. */
    public UUID uuid(String field) {
        String text = text(field);
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(type + " payload field " + field + " is not a UUID: " + text, e);
        }
    }

    /** An array of UUIDs, in its order (empty when the array is); absent or not an array is refused. */
    public List<UUID> uuids(String field) {
        JsonNode value = payload.get(field);
        if (value == null || !value.isArray()) {
            throw new IllegalArgumentException(type + " payload lacks the array " + field);
        }
        List<UUID> ids = new ArrayList<>(value.size());
        for (JsonNode element : value) {
            try {
                ids.add(UUID.fromString(element.isTextual() ? element.asText() : ""));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        type + " payload field " + field + " holds something that is not a UUID: " + element, e);
            }
        }
        return List.copyOf(ids);
    }

    /** An ISO-8601 instant field. */
    public Instant instant(String field) {
        String text = text(field);
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(
                    type + " payload field " + field + " is not an ISO-8601 time: " + text, e);
        }
    }
}
