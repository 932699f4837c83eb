package social.nova.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import social.nova.redis.StreamHandler;
import social.nova.redis.StreamMessage;

/**
 * The guarantees between the transport and an {@link EventHandler}: drops event ids the group has
 * handled, marks an id handled after the handler returns, and records the lag.
 */
final class Delivery implements StreamHandler {
    private final EventSubscriptionSettings settings;
    private final EventHandler handler;
    private final HandledEvents handled;
    private final Clock clock;
    private final Timer lag;
    private final Counter duplicates;

    Delivery(
            EventSubscriptionSettings settings,
            EventHandler handler,
            HandledEvents handled,
            Clock clock,
            MeterRegistry registry) {
        this.settings = settings;
        this.handler = handler;
        this.handled = handled;
        this.clock = clock;
        this.lag = Timer.builder(EventSubscriptions.LAG_METRIC)
                .description("Time from an event's creation (outbox created-at) to its successful handling")
                .tag("stream", settings.stream())
                .tag("group", settings.group())
                .publishPercentileHistogram()
                .register(registry);
        this.duplicates = Counter.builder(EventSubscriptions.DUPLICATES_METRIC)
                .description("Deliveries of events the group had already handled, dropped")
                .tag("stream", settings.stream())
                .tag("group", settings.group())
                .register(registry);
    }

    @Override
    public void handle(StreamMessage message) throws Exception {
        Event event = StreamEvents.toEvent(message);
        if (handled.isHandled(settings.group(), event.id())) {
            duplicates.increment();
            return;
        }
        handler.handle(event);
        handled.markHandled(settings.group(), event.id(), settings.handledTtl());
        if (event.occurredAt() != null) {
            Duration behind = Duration.between(event.occurredAt(), Instant.now(clock));
            // Clocks of producer and consumer hosts differ a little; a negative lag means none.
            lag.record(behind.isNegative() ? Duration.ZERO : behind);
        }
    }
}
