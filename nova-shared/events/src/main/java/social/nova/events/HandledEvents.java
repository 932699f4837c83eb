package social.nova.events;

import java.time.Duration;

/** Remembers which event ids a consumer group has handled (Redis in production, a map in unit tests). */
interface HandledEvents {
    boolean isHandled(String group, String eventId);

    void markHandled(String group, String eventId, Duration ttl);
}
