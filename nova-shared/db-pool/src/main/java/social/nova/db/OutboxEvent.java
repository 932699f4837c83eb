package social.nova.db;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * An event to publish once the caller's transaction commits.
 *
 * @param eventId       unique id carried to consumers, who use it to drop redeliveries
 * @param aggregateType what kind of thing changed, e.g. {@code user}; also names the stream
 *                      ({@code nova.events.user}), so lowercase letters, digits, {@code _ - .}
 * @param aggregateId   which one, e.g. the user's id
 * @param eventType     what happened, e.g. {@code UserRenamed}
 * @param payload       the event body as JSON text (checked to be JSON by the database)
 * @param headers       context to carry along, e.g. {@code request-id}; names lowercase
 */
public record OutboxEvent(
        UUID eventId,
        String aggregateType,
        String aggregateId,
        String eventType,
        String payload,
        Map<String, String> headers) {
    private static final Pattern AGGREGATE_TYPE = Pattern.compile("[a-z][a-z0-9_.-]{0,99}");
    private static final Pattern HEADER_NAME = Pattern.compile("[a-z][a-z0-9_.-]{0,99}");

    public OutboxEvent {
        Objects.requireNonNull(eventId, "eventId");
        if (aggregateType == null || !AGGREGATE_TYPE.matcher(aggregateType).matches()) {
            throw new IllegalArgumentException("aggregateType must match [a-z][a-z0-9_.-]* (at most 100 characters),"
                    + " was " + (aggregateType == null ? "null" : "'" + aggregateType + "'"));
        }
        requireText("aggregateId", aggregateId);
        requireText("eventType", eventType);
        requireText("payload", payload);
        headers = Map.copyOf(headers);
        headers.forEach((name, value) -> {
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("header names must match [a-z][a-z0-9_.-]*, was '" + name + "'");
            }
            Objects.requireNonNull(value, "header " + name);
        });
    }

    /** A new event with a random id and no headers. */
    public static OutboxEvent of(String aggregateType, String aggregateId, String eventType, String payloadJson) {
        return new OutboxEvent(UUID.randomUUID(), aggregateType, aggregateId, eventType, payloadJson, Map.of());
    }

    /** The same event with one more header. */
    public OutboxEvent withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new OutboxEvent(eventId, aggregateType, aggregateId, eventType, payload, more);
    }

    /**
     * The Redis stream entry {@link OutboxRelay} publishes for this event: {@code event-id},
     * {@code event-type}, {@code aggregate-type}, {@code aggregate-id}, {@code payload},
     * {@code created-at}, {@code source-schema} and one {@code header.<name>} per header.
     */
    public Map<String, String> streamFields(String sourceSchema, Instant createdAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event-id", eventId.toString());
        fields.put("event-type", eventType);
        fields.put("aggregate-type", aggregateType);
        fields.put("aggregate-id", aggregateId);
        fields.put("payload", payload);
        fields.put("created-at", createdAt.toString());
        fields.put("source-schema", sourceSchema);
        headers.forEach((name, value) -> fields.put("header." + name, value));
        return fields;
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
