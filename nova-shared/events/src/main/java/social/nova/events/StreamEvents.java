package social.nova.events;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

import social.nova.redis.StreamMessage;

/** Reads an {@link Event} from a stream entry in the outbox relay's field layout. */
final class StreamEvents {
    static final String EVENT_ID = "event-id";
    static final String EVENT_TYPE = "event-type";
    static final String AGGREGATE_TYPE = "aggregate-type";
    static final String AGGREGATE_ID = "aggregate-id";
    static final String PAYLOAD = "payload";
    static final String CREATED_AT = "created-at";
    static final String HEADER_PREFIX = "header.";

    private StreamEvents() {}

    /**
     * The event in the entry's fields.
     *
     * @throws IllegalArgumentException when a required field is missing: the entry is not an
     *                                  event, and after max-deliveries lands in the dead-letter stream
     */
    static Event toEvent(StreamMessage message) {
        Map<String, String> fields = message.fields();
        Map<String, String> headers = new LinkedHashMap<>();
        fields.forEach((name, value) -> {
            if (name.startsWith(HEADER_PREFIX)) {
                headers.put(name.substring(HEADER_PREFIX.length()), value);
            }
        });
        return new Event(
                required(message, EVENT_ID),
                required(message, EVENT_TYPE),
                required(message, AGGREGATE_TYPE),
                required(message, AGGREGATE_ID),
                instant(fields.get(CREATED_AT)),
                required(message, PAYLOAD),
                headers,
                message.deliveryCount());
    }

    private static String required(StreamMessage message, String field) {
        String value = message.fields().get(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("stream entry " + message.id() + " on " + message.stream()
                    + " is not an event: it has no " + field);
        }
        return value;
    }

    /** A missing or unreadable time only costs the lag measurement, so it is not an error. */
    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
