package social.nova.db;

import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.Update;

/**
 * Writes events into the schema's {@code outbox} table inside the caller's transaction, so the
 * domain rows and the events about them commit or roll back together ({@link #append}), or in the
 * same statement as the one change they are about ({@link #appendWith}) or the few
 * ({@link #appendAfter}). {@link OutboxRelay}
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
    private static final String INSERT =
            "INSERT INTO outbox (event_id, aggregate_type, aggregate_id, event_type, payload, headers)";
    private static final String VALUES = ":outbox_event_id, :outbox_aggregate_type, :outbox_aggregate_id, "
            + ":outbox_event_type, :outbox_payload, "
            + "jsonb_object(CAST(:outbox_header_names AS text[]), CAST(:outbox_header_values AS text[]))";

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
        bindEvent(handle.createUpdate(INSERT + " VALUES (" + VALUES + ")"), event)
                .execute();
    }

    /**
     * Runs one data-modifying statement and appends its event in a single SQL statement: one round
     * trip to PostgreSQL instead of three (the change, the event, the commit) for a write whose only
     * change is that statement. A single statement is atomic on its own, so outside a transaction it
     * commits the change and the event together; inside one, it joins it.
     *
     * <pre>{@code
     * boolean placed = db.jdbi().withHandle(handle -> Outbox.appendWith(
     *         handle,
     *         "INSERT INTO orders (id, total) VALUES (:id, :total)",
     *         update -> update.bind("id", id).bind("total", total),
     *         OutboxEvent.of("order", id, "OrderPlaced", json)));
     * }</pre>
     *
     * @param change an INSERT, UPDATE or DELETE without a RETURNING clause; its named parameters
     *               must not start with {@code outbox_}
     * @param binds  binds the change's parameters
     * @return whether the change touched a row; the event is appended only then
     */
    public static boolean appendWith(Handle handle, String change, Consumer<Update> binds, OutboxEvent event) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(binds, "binds");
        Objects.requireNonNull(event, "event");
        Update update = handle.createUpdate("WITH outbox_change AS (" + change + " RETURNING 1) " + INSERT + " SELECT "
                + VALUES + " WHERE EXISTS (SELECT 1 FROM outbox_change)");
        binds.accept(update);
        return bindEvent(update, event).execute() == 1;
    }

    /**
     * Runs several changes that always go together and appends their event, in one SQL statement:
     * one round trip where a statement per change and one for the event took one each. For a write
     * whose changes need no answer from each other (a row, and its parent's pointer to it), made in
     * the caller's transaction after it has checked what they depend on (under a row lock).
     * PostgreSQL runs every data-modifying common table expression of a statement to completion,
     * whether or not anything reads it, so each change runs once and the event is always appended.
     *
     * <pre>{@code
     * Outbox.appendAfter(
     *         handle,
     *         "added AS (INSERT INTO items (id, list_id) VALUES (:id, :list)), "
     *                 + "touched AS (UPDATE lists SET newest = :id WHERE id = :list)",
     *         update -> update.bind("id", id).bind("list", list),
     *         OutboxEvent.of("list", list, "ItemAdded", json));
     * }</pre>
     *
     * @param changes one or more {@code name AS (INSERT|UPDATE|DELETE ...)}, comma-separated, without
     *                the leading {@code WITH}; their named parameters must not start with {@code outbox_}
     * @param binds   binds the changes' parameters
     */
    public static void appendAfter(Handle handle, String changes, Consumer<Update> binds, OutboxEvent event) {
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(changes, "changes");
        Objects.requireNonNull(binds, "binds");
        Objects.requireNonNull(event, "event");
        Update update = handle.createUpdate("WITH " + changes + " " + INSERT + " VALUES (" + VALUES + ")");
        binds.accept(update);
        bindEvent(update, event).execute();
    }

    private static Update bindEvent(Update update, OutboxEvent event) {
        List<String> names = List.copyOf(event.headers().keySet());
        List<String> values = names.stream().map(event.headers()::get).toList();
        return update.bind("outbox_event_id", event.eventId())
                .bind("outbox_aggregate_type", event.aggregateType())
                .bind("outbox_aggregate_id", event.aggregateId())
                .bind("outbox_event_type", event.eventType())
                .bind("outbox_payload", event.payload())
                .bindArray("outbox_header_names", String.class, names)
                .bindArray("outbox_header_values", String.class, values);
    }
}
