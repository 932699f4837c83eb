package social.nova.db;

import java.util.List;
import java.util.Objects;

import org.jdbi.v3.core.Handle;

/**
 * Writes events into the schema's {@code outbox} table inside the caller's transaction, so the
 * domain rows and the events about them commit or roll back together. {@link OutboxRelay}
 * publishes committed rows.
 *
 * <pre>{@code
 * db.jdbi().useTransaction(handle -> {
 *     handle.createUpdate("UPDATE users SET name = :name WHERE id = :id")...execute();
 *     Outbox.append(handle, OutboxEvent.of("user", id, "UserRenamed", json).withHeader("request-id", rid));
 * });
 * }</pre>
 *
 * <p>Events of one aggregate reach the stream in the order of their outbox ids. That is the order
 * of the changes when, as above, each transaction changes (and so locks) the aggregate's row
 * before appending: a later transaction then cannot append until the earlier one has committed.
 */
public final class Outbox {
    private Outbox() {}

    /**
     * Appends the event in the handle's open transaction.
     *
     * @throws IllegalStateException when the handle is not in a transaction (the event would then
     *                               commit on its own, which defeats the outbox)
     */
    public static void append(Handle handle, OutboxEvent event) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(event, "event");
        if (!handle.isInTransaction()) {
            throw new IllegalStateException("Outbox.append needs the caller's transaction: call it inside "
                    + "jdbi.useTransaction/inTransaction together with the domain writes");
        }
        List<String> names = List.copyOf(event.headers().keySet());
        List<String> values = names.stream().map(event.headers()::get).toList();
        handle.createUpdate("""
                        INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, headers)
                        VALUES (:eventId, :aggregateType, :aggregateId, :eventType, :payload,
                                jsonb_object(CAST(:headerNames AS text[]), CAST(:headerValues AS text[])))""")
                .bind("eventId", event.eventId())
                .bind("aggregateType", event.aggregateType())
                .bind("aggregateId", event.aggregateId())
                .bind("eventType", event.eventType())
                .bind("payload", event.payload())
                .bindArray("headerNames", String.class, names)
                .bindArray("headerValues", String.class, values)
                .execute();
    }
}
