package social.nova.messaging;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import social.nova.db.OutboxEvent;

import static org.assertj.core.api.Assertions.assertThat;

class MessageEventsTest {

    @Test
    void aSentMessageIsAnnouncedOnItsConversationWithoutItsText() throws Exception {
        UUID recipient = UUID.randomUUID();
        Message message = new Message(
                new MessageIds().after(null),
                UUID.randomUUID(),
                UUID.randomUUID(),
                "private words",
                "key",
                Instant.parse("2026-12-02T10:00:00Z"));
        OutboxEvent event = MessageEvents.sent(message, List.of(recipient));
        assertThat(event.aggregateType()).isEqualTo("conversation");
        assertThat(event.aggregateId()).isEqualTo(message.conversationId().toString());
        assertThat(event.eventType()).isEqualTo("MessageSent");
        JsonNode payload = new ObjectMapper().readTree(event.payload());
        assertThat(payload.get("messageId").asText()).isEqualTo(message.id().toString());
        assertThat(payload.get("senderId").asText())
                .isEqualTo(message.senderId().toString());
        assertThat(payload.get("recipientIds").get(0).asText()).isEqualTo(recipient.toString());
        assertThat(payload.get("sentAt").asText()).isEqualTo("2026-12-02T10:00:00Z");
        assertThat(event.payload()).doesNotContain("private words");
    }
}
