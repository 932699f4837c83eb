package social.nova.events;

/**
 * Processes one event of a subscription. Returning normally marks the event handled for the
 * consumer group (it is not handed over again); throwing leaves it for a retry, and after
 * {@code max-deliveries} failed deliveries moves it to the dead-letter stream.
 *
 * <p>Delivery is at least once: a handler that succeeded but whose success could not be recorded
 * (the service died in between, or Redis failed) sees the event again. Handlers whose effects are
 * not naturally idempotent should still tolerate that rare replay.
 *
 * <p>A handler is called for every event type on the stream; it ignores (returns normally for)
 * types it does not handle, since producers add new types over time.
 */
@FunctionalInterface
public interface EventHandler {
    void handle(Event event) throws Exception;
}
