package social.nova.events;

import java.time.Instant;
import java.util.Map;

import org.junit.jupiter.api.Test;
import social.nova.redis.StreamMessage;

import static org.assertj.core.api.Assertions.assertThat;

class StreamEventsTest {
    @Test
    void readsTheOutboxRelaysFieldsAndHeaders() {
        Event event = StreamEvents.toEvent(DeliveryTest.message("1-0", "e-1", 3));

        assertThat(event.id()).isEqualTo("e-1");
        assertThat(event.type()).isEqualTo("UserRegistered");
        assertThat(event.aggregateType()).isEqualTo("user");
        assertThat(event.aggregateId()).isEqualTo("u-1");
        assertThat(event.payload()).isEqualTo("{\"userId\":\"u-1\"}");
        assertThat(event.occurredAt()).isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(event.headers()).isEqualTo(Map.of("request-id", "r-1"));
        assertThat(event.header("request-id")).contains("r-1");
        assertThat(event.delivery()).isEqualTo(3);
    }

    @Test
    void aMissingOrUnreadableCreationTimeIsNoError() {
        StreamMessage message = DeliveryTest.message("1-0", "e-1", 1);
        Map<String, String> fields = new java.util.HashMap<>(message.fields());
        fields.put("created-at", "yesterday");

        Event event = StreamEvents.toEvent(new StreamMessage(message.stream(), "1-0", fields, 1));

        assertThat(event.occurred()).isEmpty();
    }
}
