package social.nova.gateway;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.messaging.v1.CreateConversationRequest;
import social.nova.contracts.messaging.v1.CreateConversationResponse;
import social.nova.contracts.messaging.v1.DevicePlatform;
import social.nova.contracts.messaging.v1.GetUnreadCountRequest;
import social.nova.contracts.messaging.v1.ListConversationsRequest;
import social.nova.contracts.messaging.v1.ListConversationsResponse;
import social.nova.contracts.messaging.v1.ListMessagesRequest;
import social.nova.contracts.messaging.v1.ListMessagesResponse;
import social.nova.contracts.messaging.v1.MarkReadRequest;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.RegisterDeviceRequest;
import social.nova.contracts.messaging.v1.SendMessageRequest;
import social.nova.contracts.messaging.v1.SetConversationMutedRequest;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.page;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code /api/v1/conversations}: private conversations, their messages and read positions, on
 * messaging-service. Every route needs a signed-in user. Registered at {@code /api/v1}.
 */
final class MessagingRoutes implements HttpService {
    /** The standard request header of a client-chosen key; the body's {@code idempotencyKey} wins. */
    static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");

    static final String PARTICIPANT_IDS = "participantIds";
    static final String IDEMPOTENCY_KEY_FIELD = "idempotencyKey";

    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    /** {@code POST /conversations}: the other participants, and a title for a group. */
    record NewConversation(List<String> participantIds, String title) {}

    /** {@code POST /conversations/{id}/messages}. */
    record NewMessage(String text, String idempotencyKey) {}

    /** {@code POST /conversations/{id}/read}: the newest message the caller has read. */
    record ReadUpTo(String messageId) {}

    /** {@code PUT /conversations/{id}/mute}. */
    record Mute(Boolean muted) {}

    /** {@code PUT /devices/{token}}: the device's platform, {@code android}, {@code ios} or {@code web}. */
    record NewDevice(String platform) {}

    static final String TOKEN = "token";

    MessagingRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        // "/conversations/unread" first: a route with "{id}" in its place would read it as an id.
        rules.get("/conversations/unread", authentication.required(this::unread))
                .post("/conversations", authentication.required(this::create))
                .get("/conversations", authentication.required(this::conversations))
                .post("/conversations/{id}/messages", authentication.required(this::send))
                .get("/conversations/{id}/messages", authentication.required(this::messages))
                .post("/conversations/{id}/read", authentication.required(this::markRead))
                .put("/conversations/{id}/mute", authentication.required(this::mute))
                .put("/devices/{" + TOKEN + "}", authentication.required(this::registerDevice));
    }

    private void create(ServerRequest request, ServerResponse response, Caller caller) {
        NewConversation body = json.read(request, NewConversation.class);
        CreateConversationResponse answer = backends.messaging()
                .createConversation(CreateConversationRequest.newBuilder()
                        .addAllParticipantIds(participantIds(body.participantIds()))
                        .setTitle(Json.orEmpty(body.title()))
                        .build());
        // 200 with the pair's existing conversation, 201 with a new one.
        json.send(
                response,
                answer.getCreated() ? Status.CREATED_201 : Status.OK_200,
                Views.ConversationView.of(answer.getConversation()));
    }

    private void conversations(ServerRequest request, ServerResponse response, Caller caller) {
        ListConversationsResponse page = backends.messaging()
                .listConversations(ListConversationsRequest.newBuilder()
                        .setPage(page(request))
                        .build());
        json.send(
                response,
                Views.Page.of(
                        page.getConversationsList().stream()
                                .map(Views.ConversationSummaryView::of)
                                .toList(),
                        page.getPage().getNextCursor()));
    }

    private void send(ServerRequest request, ServerResponse response, Caller caller) {
        String conversationId = uuid(request, ID);
        NewMessage body = json.read(request, NewMessage.class);
        Message message = backends.messaging()
                .sendMessage(SendMessageRequest.newBuilder()
                        .setConversationId(conversationId)
                        .setText(Json.orEmpty(body.text()))
                        .setIdempotencyKey(idempotencyKey(
                                body.idempotencyKey(), request.headers().first(IDEMPOTENCY_KEY)))
                        .build())
                .getMessage();
        json.send(response, Status.CREATED_201, Views.MessageView.of(message));
    }

    /**
     * The key SendMessage gets: the body's, else the {@code Idempotency-Key} header's, else a new
     * random UUID, so that every call has one and nova-rpc's retries of this one request (SendMessage
     * is idempotent) can never send the message twice. A body key and a header key that differ are a
     * 400: either could be the one the client retries with. messaging-service judges the key's form.
     */
    static String idempotencyKey(String bodyKey, Optional<String> headerKey) {
        if (bodyKey != null && headerKey.isPresent() && !bodyKey.equals(headerKey.get())) {
            throw NovaException.invalidArgument(
                    "field 'idempotencyKey' and the Idempotency-Key header differ; send one of them",
                    FieldViolation.of(IDEMPOTENCY_KEY_FIELD, "differs from the Idempotency-Key header"));
        }
        if (bodyKey != null) {
            return bodyKey;
        }
        return headerKey.orElseGet(() -> UUID.randomUUID().toString());
    }

    private void messages(ServerRequest request, ServerResponse response, Caller caller) {
        ListMessagesResponse page = backends.messaging()
                .listMessages(ListMessagesRequest.newBuilder()
                        .setConversationId(uuid(request, ID))
                        .setPage(page(request))
                        .build());
        json.send(response, Views.MessageView.page(page.getMessagesList(), page.getPage()));
    }

    private void markRead(ServerRequest request, ServerResponse response, Caller caller) {
        String conversationId = uuid(request, ID);
        ReadUpTo body = json.read(request, ReadUpTo.class);
        backends.messaging()
                .markRead(MarkReadRequest.newBuilder()
                        .setConversationId(conversationId)
                        .setMessageId(Json.orEmpty(body.messageId()))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void mute(ServerRequest request, ServerResponse response, Caller caller) {
        String conversationId = uuid(request, ID);
        Mute body = json.read(request, Mute.class);
        if (body.muted() == null) {
            throw NovaException.invalidArgument(
                    "field 'muted' must be true or false", FieldViolation.of("muted", "must be true or false"));
        }
        backends.messaging()
                .setConversationMuted(SetConversationMutedRequest.newBuilder()
                        .setConversationId(conversationId)
                        .setMuted(body.muted())
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    /** Registers the caller's push token (messaging-service keeps the devices); 204. */
    private void registerDevice(ServerRequest request, ServerResponse response, Caller caller) {
        String token = request.path().pathParameters().get(TOKEN);
        NewDevice body = json.read(request, NewDevice.class);
        backends.messaging()
                .registerDevice(RegisterDeviceRequest.newBuilder()
                        .setToken(token)
                        .setPlatform(platform(body.platform()))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    /** The contract's platform of the body's {@code platform}; a 400 naming the choices otherwise. */
    static DevicePlatform platform(String platform) {
        return switch (platform == null ? "" : platform) {
            case "android" -> DevicePlatform.DEVICE_PLATFORM_ANDROID;
            case "ios" -> DevicePlatform.DEVICE_PLATFORM_IOS;
            case "web" -> DevicePlatform.DEVICE_PLATFORM_WEB;
            default ->
                throw NovaException.invalidArgument(
                        "field 'platform' must be android, ios or web",
                        FieldViolation.of("platform", "must be android, ios or web"));
        };
    }

    private void unread(ServerRequest request, ServerResponse response, Caller caller) {
        json.send(
                response,
                Views.UnreadCounts.of(backends.messaging().getUnreadCount(GetUnreadCountRequest.getDefaultInstance())));
    }

    /** The body's ids as they are (absent is none: the service names the field); a null entry is a 400 here. */
    static List<String> participantIds(List<String> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.stream().anyMatch(Objects::isNull)) {
            throw NovaException.invalidArgument(
                    "field 'participantIds' must hold user ids, not null",
                    FieldViolation.of(PARTICIPANT_IDS, "must not contain null"));
        }
        return ids;
    }
}
