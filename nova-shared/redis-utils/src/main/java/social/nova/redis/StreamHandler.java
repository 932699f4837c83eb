package social.nova.redis;

/**
 * Processes one stream entry. Returning normally acknowledges it; throwing leaves it pending for
 * a retry, and after {@code max-deliveries} failures moves it to the dead-letter stream. Delivery
 * is at least once, so a handler must be idempotent (e.g. keyed by an event id in the fields).
 */
@FunctionalInterface
public interface StreamHandler {
    void handle(StreamMessage message) throws Exception;
}
