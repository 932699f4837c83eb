package social.nova.messaging;

import java.time.Instant;
import java.util.UUID;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.messaging.v1.CreateConversationRequest;
import social.nova.contracts.messaging.v1.CreateConversationResponse;
import social.nova.contracts.messaging.v1.GetUnreadCountRequest;
import social.nova.contracts.messaging.v1.GetUnreadCountResponse;
import social.nova.contracts.messaging.v1.ListConversationsRequest;
import social.nova.contracts.messaging.v1.ListConversationsResponse;
import social.nova.contracts.messaging.v1.ListMessagesRequest;
import social.nova.contracts.messaging.v1.ListMessagesResponse;
import social.nova.contracts.messaging.v1.MarkReadRequest;
import social.nova.contracts.messaging.v1.MarkReadResponse;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.RegisterDeviceRequest;
import social.nova.contracts.messaging.v1.RegisterDeviceResponse;
import social.nova.contracts.messaging.v1.SendMessageRequest;
import social.nova.contracts.messaging.v1.SendMessageResponse;
import social.nova.contracts.messaging.v1.SetConversationMutedRequest;
import social.nova.contracts.messaging.v1.SetConversationMutedResponse;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.NovaException;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;

/**
 * The gRPC face of messaging-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in {@link Conversations} and {@link Messages}; the kit maps
 * thrown errors to statuses.
 */
final class MessagingEndpoint extends MessagingServiceGrpc.MessagingServiceImplBase {
    private final Conversations conversations;
    private final Messages messages;
    private final Devices devices;

    MessagingEndpoint(Conversations conversations, Messages messages, Devices devices) {
        this.conversations = conversations;
        this.messages = messages;
        this.devices = devices;
    }

    @Override
    public void createConversation(
            CreateConversationRequest request, StreamObserver<CreateConversationResponse> response) {
        UUID caller = callerId();
        Conversations.Creation creation =
                conversations.create(caller, request.getParticipantIdsList(), request.getTitle());
        reply(
                response,
                CreateConversationResponse.newBuilder()
                        .setConversation(MessagingProtos.conversation(creation.conversation(), caller))
                        .setCreated(creation.created())
                        .build());
    }

    @Override
    public void listConversations(
            ListConversationsRequest request, StreamObserver<ListConversationsResponse> response) {
        UUID caller = callerId();
        Conversations.ConversationPage page = conversations.list(
                caller, request.getPage().getLimit(), request.getPage().getCursor());
        reply(
                response,
                ListConversationsResponse.newBuilder()
                        .addAllConversations(page.conversations().stream()
                                .map(view -> MessagingProtos.conversation(view, caller))
                                .toList())
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    @Override
    public void sendMessage(SendMessageRequest request, StreamObserver<SendMessageResponse> response) {
        UUID caller = callerId();
        messages.send(
                caller,
                request.getConversationId(),
                request.getText(),
                request.getIdempotencyKey(),
                sent -> reply(
                        response,
                        SendMessageResponse.newBuilder()
                                .setMessage(MessagingProtos.message(sent, caller))
                                .build()));
    }

    @Override
    public void listMessages(ListMessagesRequest request, StreamObserver<ListMessagesResponse> response) {
        UUID caller = callerId();
        Messages.MessagePage page = messages.list(
                caller,
                request.getConversationId(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                ListMessagesResponse.newBuilder()
                        .addAllMessages(page.messages().stream()
                                .map(message -> MessagingProtos.message(message, caller))
                                .toList())
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    @Override
    public void streamMessages(StreamMessagesRequest request, StreamObserver<StreamMessagesResponse> response) {
        UUID caller = callerId();
        Instant expiresAt = TokenExpiry.current()
                .orElseThrow(() -> NovaException.unauthenticated("this call needs an access token"));
        messages.stream(
                caller, expiresAt, request.getConversationId(), request.getAfterMessageId(), (ServerCallStreamObserver<
                                StreamMessagesResponse>)
                        response);
    }

    @Override
    public void markRead(MarkReadRequest request, StreamObserver<MarkReadResponse> response) {
        long unread = conversations.markRead(callerId(), request.getConversationId(), request.getMessageId());
        reply(response, MarkReadResponse.newBuilder().setUnreadCount(unread).build());
    }

    @Override
    public void getUnreadCount(GetUnreadCountRequest request, StreamObserver<GetUnreadCountResponse> response) {
        MessagingStore.UnreadTotals unread = conversations.unread(callerId());
        reply(
                response,
                GetUnreadCountResponse.newBuilder()
                        .setUnreadMessages(unread.messages())
                        .setUnreadConversations(unread.conversations())
                        .build());
    }

    @Override
    public void registerDevice(RegisterDeviceRequest request, StreamObserver<RegisterDeviceResponse> response) {
        String platform = switch (request.getPlatform()) {
            case DEVICE_PLATFORM_ANDROID -> "ANDROID";
            case DEVICE_PLATFORM_IOS -> "IOS";
            case DEVICE_PLATFORM_WEB -> "WEB";
            case DEVICE_PLATFORM_UNSPECIFIED, UNRECOGNIZED -> null;
        };
        devices.register(callerId(), request.getToken(), platform);
        reply(response, RegisterDeviceResponse.getDefaultInstance());
    }

    @Override
    public void setConversationMuted(
            SetConversationMutedRequest request, StreamObserver<SetConversationMutedResponse> response) {
        conversations.setMuted(callerId(), request.getConversationId(), request.getMuted());
        reply(response, SetConversationMutedResponse.getDefaultInstance());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }
}
