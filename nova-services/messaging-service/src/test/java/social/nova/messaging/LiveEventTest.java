package social.nova.messaging;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LiveEventTest {
    private static final Instant AT = Instant.parse("2026-12-02T10:15:30.123456Z");

    @Test
    void aMessageEventSurvivesTheChannelWithItsPredecessor() {
        Message message =
                new Message(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), "héllo \"nova\"\n🙂", "key-1", AT);
        LiveEvent event = new LiveEvent.NewMessage(message, UUID.randomUUID());
        assertThat(LiveEvent.decode(LiveEvent.encode(event))).isEqualTo(event);

        LiveEvent first = new LiveEvent.NewMessage(message, null);
        assertThat(LiveEvent.decode(LiveEvent.encode(first))).isEqualTo(first);
    }

    @Test
    void aReadEventSurvivesTheChannel() {
        LiveEvent event =
                new LiveEvent.Read(new ReadMarker(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), AT));
        assertThat(LiveEvent.decode(LiveEvent.encode(event))).isEqualTo(event);
    }

    @Test
    void anythingElseIsRefused() {
        assertThatThrownBy(() -> LiveEvent.decode("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        LiveEvent.decode("{\"type\":\"typing\",\"conversationId\":\"" + UUID.randomUUID() + "\"}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
