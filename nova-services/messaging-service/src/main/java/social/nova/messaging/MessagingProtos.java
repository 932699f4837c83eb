package social.nova.messaging;

import java.util.UUID;

import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;

import static social.nova.kit.Protos.timestamp;

/** Domain records to the contract's messages, for the endpoint and the streams alike. */
final class MessagingProtos {
    private MessagingProtos() {}

    /** The message as {@code viewer} sees it: the idempotency key is the sender's only. */
    static social.nova.contracts.messaging.v1.Message message(Message message, UUID viewer) {
        return social.nova.contracts.messaging.v1.Message.newBuilder()
                .setId(message.id().toString())
                .setConversationId(message.conversationId().toString())
                .setSenderId(message.senderId().toString())
                .setText(message.text())
                .setSentAt(timestamp(message.sentAt()))
                .setIdempotencyKey(message.senderId().equals(viewer) ? message.idempotencyKey() : "")
                .build();
    }

    static Conversation conversation(ConversationView view, UUID viewer) {
        Conversation.Builder conversation = Conversation.newBuilder()
                .setId(view.id().toString())
                .addAllParticipantIds(
                        view.participants().stream().map(UUID::toString).toList())
                .setTitle(view.title())
                .setCreatedAt(timestamp(view.createdAt()))
                .setUnreadCount(view.unreadCount());
        if (view.lastMessage() != null) {
            conversation.setLastMessage(message(view.lastMessage(), viewer));
        }
        return conversation.build();
    }

    static StreamMessagesResponse event(Message message, UUID viewer) {
        return StreamMessagesResponse.newBuilder()
                .setMessage(message(message, viewer))
                .build();
    }

    static StreamMessagesResponse event(ReadMarker marker) {
        return StreamMessagesResponse.newBuilder()
                .setRead(social.nova.contracts.messaging.v1.ReadMarker.newBuilder()
                        .setConversationId(marker.conversationId().toString())
                        .setUserId(marker.userId().toString())
                        .setMessageId(marker.messageId().toString())
                        .setReadAt(timestamp(marker.readAt())))
                .build();
    }
}
