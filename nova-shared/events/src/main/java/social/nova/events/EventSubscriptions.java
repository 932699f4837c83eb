package social.nova.events;

import java.time.Clock;
import java.util.Objects;

import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.UnifiedJedis;
import social.nova.redis.StreamConsumer;

/**
 * The one way a Nova service consumes events. Create it once with the service's Redis client and
 * meter registry, then subscribe handlers:
 *
 * <pre>{@code
 * EventSubscriptions events = EventSubscriptions.create(kit.redis(), kit.meterRegistry());
 * kit.closeOnStop(events.subscribe(EventSubscriptionSettings.create(config.get("registrations")),
 *         event -> { if ("UserRegistered".equals(event.type())) { ... } }));
 * }</pre>
 *
 * <p>Every subscription gets, whatever the handler does:
 * <ul>
 *   <li><b>idempotent handling</b>: an event id the group handled successfully (within
 *       {@code handled-ttl}) is not handed to the handler again, so a redelivery or a duplicate
 *       published by the outbox relay is dropped. The mark ({@code SET nova:events:handled:<group>:<event-id>
 *       NX PX <handled-ttl>}) is set after the handler returns.</li>
 *   <li><b>a dead-letter stream</b>: an event whose handler failed {@code max-deliveries} times
 *       (or that was delivered that often without an acknowledgement) moves to
 *       {@code <stream>.dlq} with its fields and {@code dlq-*} fields naming the error.</li>
 *   <li><b>a lag metric</b>: the timer {@value #LAG_METRIC}{stream, group} records, for every
 *       handled event, the time from its creation (the outbox row's {@code created-at}) to the end
 *       of its handling. Dropped duplicates count in {@value #DUPLICATES_METRIC}.</li>
 * </ul>
 *
 * <p>Events arrive one at a time per subscription, in stream order, on a thread of their own.
 * The transport is Redis streams with consumer groups (nova-redis-utils' {@code StreamConsumer});
 * handlers see only {@link Event}, so it can change here without touching them.
 */
public final class EventSubscriptions {
    public static final String LAG_METRIC = "nova.events.lag";
    public static final String DUPLICATES_METRIC = "nova.events.duplicates";

    private final UnifiedJedis redis;
    private final MeterRegistry registry;
    private final HandledEvents handled;
    private final Clock clock;

    private EventSubscriptions(UnifiedJedis redis, MeterRegistry registry, Clock clock) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.registry = Objects.requireNonNull(registry, "registry");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.handled = new RedisHandledEvents(redis);
    }

    /**
     * @param redis    the service's shared client (not closed here); its blocking-socket-timeout
     *                 must exceed the subscriptions' {@code block-timeout}
     * @param registry where the metrics go
     */
    public static EventSubscriptions create(UnifiedJedis redis, MeterRegistry registry) {
        return new EventSubscriptions(redis, registry, Clock.systemUTC());
    }

    /** Starts consuming {@code stream} as {@code group} with default settings. */
    public EventSubscription subscribe(String stream, String group, EventHandler handler) {
        return subscribe(EventSubscriptionSettings.of(stream, group), handler);
    }

    /** Starts consuming at once; close the subscription when the service stops. */
    public EventSubscription subscribe(EventSubscriptionSettings settings, EventHandler handler) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(handler, "handler");
        StreamConsumer consumer = StreamConsumer.start(
                redis, settings.transport(), new Delivery(settings, handler, handled, clock, registry), registry);
        return new EventSubscription() {
            @Override
            public EventSubscriptionSettings settings() {
                return settings;
            }

            @Override
            public void close() {
                consumer.close();
            }
        };
    }
}
