package social.nova.messaging;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.db.OutboxEvent;
import social.nova.rpc.CallContext;

/**
 * The events messaging-service publishes through its outbox to {@code nova.events.conversation}
 * (aggregate {@code conversation}, aggregate id = conversation id; a send locks the conversation's
 * row, so a conversation's events leave in sending order), for consumers such as push
 * notifications. The text stays out: the event stream is readable by every service, the messages
 * are private to their participants.
 */
final class MessageEvents {
    static final String AGGREGATE = "conversation";
    static final String MESSAGE_SENT = "MessageSent";
    private static final ObjectMapper JSON = new ObjectMapper();

    private MessageEvents() {}

    /** {@code {messageId, conversationId, senderId, recipientIds, sentAt}}. */
    static OutboxEvent sent(Message message, List<UUID> recipients) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("messageId", message.id().toString());
        payload.put("conversationId", message.conversationId().toString());
        payload.put("senderId", message.senderId().toString());
        payload.put("recipientIds", recipients.stream().map(UUID::toString).toList());
        payload.put("sentAt", message.sentAt().toString());
        try {
            OutboxEvent event = OutboxEvent.of(
                    AGGREGATE, message.conversationId().toString(), MESSAGE_SENT, JSON.writeValueAsString(payload));
            String requestId = CallContext.currentRequestId();
            return requestId == null ? event : event.withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + MESSAGE_SENT, e);
        }
    }
}
