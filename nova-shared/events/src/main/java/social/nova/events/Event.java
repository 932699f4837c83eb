package social.nova.events;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One domain event as a consumer receives it, whatever carries it (today a Redis stream entry
 * written by db-pool's {@code OutboxRelay}).
 *
 * @param id            the event's unique id ({@code event-id}); the key of idempotent handling
 * @param type          what happened, e.g. {@code UserRegistered}
 * @param aggregateType what kind of thing changed, e.g. {@code user}
 * @param aggregateId   which one, e.g. the user's id
 * @param occurredAt    when the producer wrote it (the outbox row's {@code created-at}); null when
 *                      the producer did not say
 * @param payload       the event body as JSON text
 * @param headers       context carried along, e.g. {@code request-id}
 * @param delivery      1 on the first delivery to this consumer group, higher on retries
 */
public record Event(
        String id,
        String type,
        String aggregateType,
        String aggregateId,
        Instant occurredAt,
        String payload,
        Map<String, String> headers,
        long delivery) {
    public Event {
        requireText("id", id);
        requireText("type", type);
        requireText("aggregateType", aggregateType);
        requireText("aggregateId", aggregateId);
        requireText("payload", payload);
        headers = Map.copyOf(Objects.requireNonNull(headers, "headers"));
        if (delivery < 1) {
            throw new IllegalArgumentException("delivery must be at least 1, was " + delivery);
        }
    }

    /** When the producer wrote the event, if it said. */
    public Optional<Instant> occurred() {
        return Optional.ofNullable(occurredAt);
    }

    /** One header, if present. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name));
    }

    private static void requireText(String name, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("event " + name + " must not be blank");
        }
    }
}
