package social.nova.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import social.nova.redis.StreamMessage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeliveryTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T10:00:00Z");
    private static final Clock NOW = Clock.fixed(CREATED.plusMillis(1500), ZoneOffset.UTC);
    private static final String STREAM = "nova.events.user";

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MapHandledEvents handled = new MapHandledEvents();
    private final List<Event> received = new ArrayList<>();
    private final EventSubscriptionSettings settings = EventSubscriptionSettings.of(STREAM, "feed-service");

    @Test
    void theSameEventIdIsHandedToTheHandlerOnce() throws Exception {
        Delivery delivery = new Delivery(settings, received::add, handled, NOW, registry);

        delivery.handle(message("1-0", "e-1", 1));
        delivery.handle(message("2-0", "e-1", 1)); // published twice by the relay
        delivery.handle(message("1-0", "e-1", 2)); // redelivered

        assertThat(received).extracting(Event::id).containsExactly("e-1");
        assertThat(handled.ttls).containsEntry("feed-service:e-1", Duration.ofDays(7));
        assertThat(registry.get(EventSubscriptions.DUPLICATES_METRIC).counter().count())
                .isEqualTo(2.0);
    }

    @Test
    void aFailedEventIsNotMarkedAndIsHandedOverAgain() throws Exception {
        int[] calls = {0};
        Delivery delivery = new Delivery(
                settings,
                event -> {
                    if (++calls[0] == 1) {
                        throw new IllegalStateException("database busy");
                    }
                    received.add(event);
                },
                handled,
                NOW,
                registry);

        assertThatThrownBy(() -> delivery.handle(message("1-0", "e-1", 1))).hasMessage("database busy");
        assertThat(handled.ttls).isEmpty();
        delivery.handle(message("1-0", "e-1", 2));

        assertThat(received).extracting(Event::delivery).containsExactly(2L);
        assertThat(handled.ttls).containsKey("feed-service:e-1");
    }

    @Test
    void otherGroupsHandleTheSameEventOnTheirOwn() throws Exception {
        new Delivery(settings, received::add, handled, NOW, registry).handle(message("1-0", "e-1", 1));
        new Delivery(
                        EventSubscriptionSettings.of(STREAM, "search-service"),
                        received::add,
                        handled,
                        NOW,
                        new SimpleMeterRegistry())
                .handle(message("1-0", "e-1", 1));

        assertThat(received).hasSize(2);
    }

    @Test
    void lagIsTheTimeFromCreationToHandlingTaggedWithStreamAndGroup() throws Exception {
        new Delivery(settings, received::add, handled, NOW, registry).handle(message("1-0", "e-1", 1));

        Timer lag = registry.get("nova.events.lag")
                .tag("stream", STREAM)
                .tag("group", "feed-service")
                .timer();
        assertThat(lag.count()).isEqualTo(1);
        assertThat(lag.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(1500.0);
    }

    @Test
    void anEntryThatIsNotAnEventFailsSoItEndsInTheDeadLetterStream() {
        Delivery delivery = new Delivery(settings, received::add, handled, NOW, registry);
        StreamMessage noId = new StreamMessage(STREAM, "1-0", Map.of("event-type", "UserRegistered"), 1);

        assertThatThrownBy(() -> delivery.handle(noId))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stream entry 1-0 on nova.events.user is not an event: it has no event-id");
        assertThat(received).isEmpty();
    }

    static StreamMessage message(String entryId, String eventId, long delivery) {
        Map<String, String> fields = new HashMap<>();
        fields.put("event-id", eventId);
        fields.put("event-type", "UserRegistered");
        fields.put("aggregate-type", "user");
        fields.put("aggregate-id", "u-1");
        fields.put("payload", "{\"userId\":\"u-1\"}");
        fields.put("created-at", CREATED.toString());
        fields.put("source-schema", "auth");
        fields.put("header.request-id", "r-1");
        return new StreamMessage(STREAM, entryId, fields, delivery);
    }

    /** Handled ids in a map: the idempotency logic without Redis. */
    static final class MapHandledEvents implements HandledEvents {
        final Map<String, Duration> ttls = new HashMap<>();

        @Override
        public boolean isHandled(String group, String eventId) {
            return ttls.containsKey(group + ":" + eventId);
        }

        @Override
        public void markHandled(String group, String eventId, Duration ttl) {
            ttls.putIfAbsent(group + ":" + eventId, ttl);
        }
    }
}
