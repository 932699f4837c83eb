package social.nova.events;

/** A running subscription; {@link #close()} stops it (the event in hand finishes first). */
public interface EventSubscription extends AutoCloseable {
    /** The settings it runs with. */
    EventSubscriptionSettings settings();

    /** Stops consuming; calling it again does nothing. */
    @Override
    void close();
}
