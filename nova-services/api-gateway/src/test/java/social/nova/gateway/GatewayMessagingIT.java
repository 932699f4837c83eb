package social.nova.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.CreateConversationResponse;
import social.nova.contracts.messaging.v1.DevicePlatform;
import social.nova.contracts.messaging.v1.GetUnreadCountResponse;
import social.nova.contracts.messaging.v1.ListConversationsResponse;
import social.nova.contracts.messaging.v1.ListMessagesResponse;
import social.nova.contracts.messaging.v1.MarkReadResponse;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.RegisterDeviceResponse;
import social.nova.contracts.messaging.v1.SendMessageRequest;
import social.nova.contracts.messaging.v1.SendMessageResponse;
import social.nova.contracts.messaging.v1.SetConversationMutedResponse;
import social.nova.contracttesting.RecordedCall;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Conversations and messages through the gateway, in front of a messaging-service stub: each
 * route's call (with the caller's token, the paging and the idempotency key the gateway chose), the
 * JSON it writes, 200 for an existing one-to-one and 201 for a new conversation, messaging's
 * refusals mapped to HTTP with the API's field names, and the edge's own 400s and 401s.
 */
class GatewayMessagingIT {
    private static final String DOMAIN = "messaging.nova.social";

    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void aNewConversationIs201AndTheExistingOneToOne200() {
        GatewayFixture.Caller caller = fixture.signIn();
        String friend = UUID.randomUUID().toString();
        String other = UUID.randomUUID().toString();
        Conversation existing =
                conversation(List.of(caller.userId(), friend), "", Instant.now().minusSeconds(3600));
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getCreateConversationMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("participant_ids", List.of(friend))
                .willReturn(CreateConversationResponse.newBuilder()
                        .setConversation(existing)
                        .build());
        messaging
                .stub(MessagingServiceGrpc.getCreateConversationMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("participant_ids", List.of(friend, other))
                .whenField("title", "Climbers")
                .willAnswer(request -> CreateConversationResponse.newBuilder()
                        .setConversation(conversation(
                                List.of(caller.userId(), friend, other), request.getTitle(), Instant.now()))
                        .setCreated(true)
                        .build());

        var again =
                client.post("/api/v1/conversations", Map.of("participantIds", List.of(friend)), caller.accessToken());
        assertThat(again.status()).as("the existing one-to-one").isEqualTo(200);
        JsonNode pair = again.json();
        assertThat(pair.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "participantIds", "title", "createdAt");
        assertThat(pair.path("id").asText()).isEqualTo(existing.getId());
        assertThat(texts(pair.path("participantIds"))).containsExactly(caller.userId(), friend);
        assertThat(pair.path("title").isNull()).as("no title for two").isTrue();
        assertThat(Instant.parse(pair.path("createdAt").asText()))
                .isEqualTo(Instant.ofEpochSecond(
                        existing.getCreatedAt().getSeconds(),
                        existing.getCreatedAt().getNanos()));

        var group = client.post(
                "/api/v1/conversations",
                Map.of("participantIds", List.of(friend, other), "title", "Climbers"),
                caller.accessToken());
        assertThat(group.status()).as("a new group").isEqualTo(201);
        assertThat(group.json().path("title").asText()).isEqualTo("Climbers");
        assertThat(texts(group.json().path("participantIds"))).containsExactly(caller.userId(), friend, other);
    }

    @Test
    void aFreshOneToOneIs201() {
        GatewayFixture.Caller caller = fixture.signIn();
        String friend = UUID.randomUUID().toString();
        fixture.messaging
                .stubs()
                .stub(MessagingServiceGrpc.getCreateConversationMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("participant_ids", List.of(friend))
                .willAnswer(request -> CreateConversationResponse.newBuilder()
                        .setConversation(conversation(List.of(caller.userId(), friend), "", Instant.now()))
                        .setCreated(true)
                        .build());

        var created =
                client.post("/api/v1/conversations", Map.of("participantIds", List.of(friend)), caller.accessToken());
        assertThat(created.status()).isEqualTo(201);
    }

    @Test
    void aMessageGetsTheBodysKeyOrTheHeadersOrOneTheGatewayMakes() {
        GatewayFixture.Caller sender = fixture.signIn();
        String conversationId = UUID.randomUUID().toString();
        fixture.messaging
                .stubs()
                .stub(MessagingServiceGrpc.getSendMessageMethod())
                .whenHeader("authorization", sender.bearer())
                .whenField("conversation_id", conversationId)
                .willAnswer(request -> SendMessageResponse.newBuilder()
                        .setMessage(message(conversationId, sender.userId(), request.getText())
                                .setIdempotencyKey(request.getIdempotencyKey()))
                        .build());
        String path = "/api/v1/conversations/" + conversationId + "/messages";

        var sent = client.post(path, Map.of("text", "no key"), sender.accessToken());
        assertThat(sent.status()).isEqualTo(201);
        JsonNode message = sent.json();
        assertThat(message.properties())
                .extracting(Map.Entry::getKey)
                .as("the key stays out of the answer")
                .containsExactly("id", "conversationId", "senderId", "text", "createdAt");
        assertThat(message.path("conversationId").asText()).isEqualTo(conversationId);
        assertThat(message.path("senderId").asText()).isEqualTo(sender.userId());
        assertThat(message.path("text").asText()).isEqualTo("no key");
        assertThat(message.path("createdAt").asText()).isEqualTo("2026-12-02T12:00:00.500Z");

        client.post(path, Map.of("text", "body key", "idempotencyKey", "body-key-1"), sender.accessToken());
        client.send(
                "POST", path, Map.of("text", "header key"), sender.accessToken(), Map.of("Idempotency-Key", "hdr-2"));
        client.send(
                "POST",
                path,
                Map.of("text", "both", "idempotencyKey", "same-3"),
                sender.accessToken(),
                Map.of("Idempotency-Key", "same-3"));
        var conflicting = client.send(
                "POST",
                path,
                Map.of("text", "both", "idempotencyKey", "one"),
                sender.accessToken(),
                Map.of("Idempotency-Key", "two"));
        assertThat(conflicting.status()).isEqualTo(400);
        assertThat(fields(conflicting.json())).containsExactly("idempotencyKey");

        Map<String, String> keys = new LinkedHashMap<>();
        for (RecordedCall<SendMessageRequest> call :
                fixture.messaging.stubs().calls(MessagingServiceGrpc.getSendMessageMethod())) {
            if (call.request().getConversationId().equals(conversationId)) {
                keys.put(call.request().getText(), call.request().getIdempotencyKey());
            }
        }
        assertThat(keys).containsOnlyKeys("no key", "body key", "header key", "both");
        String generated = keys.get("no key");
        assertThat(UUID.fromString(generated).toString())
                .as("a random UUID made by the gateway")
                .isEqualTo(generated);
        assertThat(keys)
                .containsEntry("body key", "body-key-1")
                .containsEntry("header key", "hdr-2")
                .containsEntry("both", "same-3");
    }

    @Test
    void listsPassThePagingOnAndKeepTheServicesOrder() {
        GatewayFixture.Caller caller = fixture.signIn();
        String friend = UUID.randomUUID().toString();
        Conversation quiet = conversation(List.of(caller.userId(), friend), "", Instant.now());
        Message newest = message(quiet.getId(), friend, "newest").build();
        Message older = message(quiet.getId(), caller.userId(), "older").build();
        Conversation busy = conversation(List.of(caller.userId(), friend), "", Instant.now()).toBuilder()
                .setUnreadCount(3)
                .setLastMessage(newest)
                .build();
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getListConversationsMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("page.limit", 2)
                .whenField("page.cursor", "")
                .willReturn(ListConversationsResponse.newBuilder()
                        .addConversations(busy)
                        .addConversations(quiet)
                        .setPage(PageResponse.newBuilder().setNextCursor("c2"))
                        .build());
        messaging
                .stub(MessagingServiceGrpc.getListConversationsMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("page.cursor", "c2")
                .willReturn(ListConversationsResponse.getDefaultInstance());
        messaging
                .stub(MessagingServiceGrpc.getListMessagesMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", quiet.getId())
                .whenField("page.limit", 5)
                .whenField("page.cursor", "m1")
                .willReturn(ListMessagesResponse.newBuilder()
                        .addMessages(newest)
                        .addMessages(older)
                        .setPage(PageResponse.newBuilder().setNextCursor("m2"))
                        .build());

        var page1 = client.get("/api/v1/conversations?limit=2", caller.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        JsonNode first = page1.json().path("items").get(0);
        assertThat(first.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "participantIds", "title", "createdAt", "unreadCount", "lastMessage");
        assertThat(first.path("id").asText()).isEqualTo(busy.getId());
        assertThat(first.path("unreadCount").asLong()).isEqualTo(3);
        assertThat(first.path("lastMessage").path("text").asText()).isEqualTo("newest");
        assertThat(page1.json().path("items").get(1).path("lastMessage").isNull())
                .as("no message yet")
                .isTrue();
        assertThat(page1.json().path("nextCursor").asText()).isEqualTo("c2");
        var page2 = client.get("/api/v1/conversations?limit=2&cursor=c2", caller.accessToken());
        assertThat(page2.json().path("items")).isEmpty();
        assertThat(page2.json().path("nextCursor").isNull()).isTrue();

        var messages = client.get(
                "/api/v1/conversations/" + quiet.getId() + "/messages?limit=5&cursor=m1", caller.accessToken());
        assertThat(messages.status()).isEqualTo(200);
        assertThat(messages.json().path("items").findValuesAsText("text")).containsExactly("newest", "older");
        assertThat(messages.json().path("items").get(0))
                .as("a message as POST /conversations/{id}/messages answers it")
                .isEqualTo(first.path("lastMessage"));
        assertThat(messages.json().path("nextCursor").asText()).isEqualTo("m2");
    }

    @Test
    void readingMovesThePositionAndUnreadIsNotAConversationId() {
        GatewayFixture.Caller reader = fixture.signIn();
        String conversationId = UUID.randomUUID().toString();
        String messageId = UUID.randomUUID().toString();
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getMarkReadMethod())
                .whenHeader("authorization", reader.bearer())
                .whenField("conversation_id", conversationId)
                .whenField("message_id", messageId)
                .willReturn(MarkReadResponse.newBuilder().setUnreadCount(0).build());
        messaging
                .stub(MessagingServiceGrpc.getGetUnreadCountMethod())
                .whenHeader("authorization", reader.bearer())
                .willReturn(GetUnreadCountResponse.newBuilder()
                        .setUnreadMessages(7)
                        .setUnreadConversations(2)
                        .build());

        var read = client.post(
                "/api/v1/conversations/" + conversationId + "/read",
                Map.of("messageId", messageId),
                reader.accessToken());
        assertThat(read.status()).isEqualTo(204);
        assertThat(read.raw().body()).isEmpty();

        var unread = client.get("/api/v1/conversations/unread", reader.accessToken());
        assertThat(unread.status()).isEqualTo(200);
        assertThat(unread.json().properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("unreadMessages", "unreadConversations");
        assertThat(unread.json().path("unreadMessages").asLong()).isEqualTo(7);
        assertThat(unread.json().path("unreadConversations").asLong()).isEqualTo(2);
        assertThat(client.get("/api/v1/conversations/unread/messages", reader.accessToken())
                        .status())
                .as("'unread' where an id goes is not a UUID")
                .isEqualTo(400);
    }

    @Test
    void aDeviceTokenIsRegisteredWithItsPlatformAndAConversationMuted() {
        GatewayFixture.Caller caller = fixture.signIn();
        String token = "dGVzdA:APA91b" + UUID.randomUUID().toString().replace("-", "");
        String conversationId = UUID.randomUUID().toString();
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getRegisterDeviceMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("token", token)
                .whenField("platform", DevicePlatform.DEVICE_PLATFORM_IOS)
                .willReturn(RegisterDeviceResponse.getDefaultInstance());
        messaging
                .stub(MessagingServiceGrpc.getSetConversationMutedMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", conversationId)
                .whenField("muted", true)
                .willReturn(SetConversationMutedResponse.getDefaultInstance());

        var registered = client.send(
                "PUT", "/api/v1/devices/" + token, Map.of("platform", "ios"), caller.accessToken(), Map.of());
        assertThat(registered.status()).isEqualTo(204);
        assertThat(registered.raw().body()).isEmpty();
        var muted = client.send(
                "PUT",
                "/api/v1/conversations/" + conversationId + "/mute",
                Map.of("muted", true),
                caller.accessToken(),
                Map.of());
        assertThat(muted.status()).isEqualTo(204);

        // Refused at the edge, before any call: an unknown platform, no muted flag.
        var unknownPlatform = client.send(
                "PUT", "/api/v1/devices/" + token, Map.of("platform", "symbian"), caller.accessToken(), Map.of());
        assertThat(unknownPlatform.status()).isEqualTo(400);
        assertThat(fields(unknownPlatform.json())).containsExactly("platform");
        var noFlag = client.send(
                "PUT", "/api/v1/conversations/" + conversationId + "/mute", Map.of(), caller.accessToken(), Map.of());
        assertThat(noFlag.status()).isEqualTo(400);
        assertThat(fields(noFlag.json())).containsExactly("muted");
    }

    @Test
    void messagingsRefusalsKeepTheirStatusAndReason() {
        GatewayFixture.Caller caller = fixture.signIn();
        String blocker = UUID.randomUUID().toString();
        String conversationId = UUID.randomUUID().toString();
        String missing = UUID.randomUUID().toString();
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getCreateConversationMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("participant_ids", List.of(blocker))
                .willFail(NovaException.builder(
                                ErrorCode.PERMISSION_DENIED, "the recipient does not accept messages from you")
                        .reason("RECIPIENT_NOT_ACCEPTING")
                        .domain(DOMAIN)
                        .build());
        messaging
                .stub(MessagingServiceGrpc.getSendMessageMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", conversationId)
                .whenField("idempotency_key", "used-key")
                .willFail(
                        NovaException.builder(ErrorCode.ALREADY_EXISTS, "the idempotency key was used for another text")
                                .reason("IDEMPOTENCY_KEY_REUSED")
                                .domain(DOMAIN)
                                .build());
        messaging
                .stub(MessagingServiceGrpc.getListMessagesMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", missing)
                .willFail(NovaException.notFound("conversation", missing));

        var refused =
                client.post("/api/v1/conversations", Map.of("participantIds", List.of(blocker)), caller.accessToken());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(refused.json().path("error").path("details").findValuesAsText("reason"))
                .containsExactly("RECIPIENT_NOT_ACCEPTING");
        assertThat(refused.json().path("error").path("details").findValuesAsText("domain"))
                .containsExactly(DOMAIN);

        var reused = client.post(
                "/api/v1/conversations/" + conversationId + "/messages",
                Map.of("text", "another text", "idempotencyKey", "used-key"),
                caller.accessToken());
        assertThat(reused.status()).isEqualTo(409);
        assertThat(reused.errorCode()).isEqualTo("ALREADY_EXISTS");
        assertThat(reused.json().path("error").path("details").findValuesAsText("reason"))
                .containsExactly("IDEMPOTENCY_KEY_REUSED");

        var notFound = client.get("/api/v1/conversations/" + missing + "/messages", caller.accessToken());
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void messagingsFieldViolationsComeBackWithTheApisNames() {
        GatewayFixture.Caller caller = fixture.signIn();
        String conversationId = UUID.randomUUID().toString();
        var messaging = fixture.messaging.stubs();
        messaging
                .stub(MessagingServiceGrpc.getCreateConversationMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("participant_ids", List.of())
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("participant_ids", "must hold 1..49 distinct user ids"),
                        FieldViolation.of("title", "only for groups of more than two users")));
        messaging
                .stub(MessagingServiceGrpc.getSendMessageMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", conversationId)
                .whenField("idempotency_key", "bad key!")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("text", "must be 1..4000 characters"),
                        FieldViolation.of("idempotency_key", "must be 1..64 of A-Z, a-z, 0-9, - and _")));
        messaging
                .stub(MessagingServiceGrpc.getMarkReadMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", conversationId)
                .whenField("message_id", "")
                .willFail(NovaException.invalidArgument(FieldViolation.of("message_id", "must be a UUID")));
        messaging
                .stub(MessagingServiceGrpc.getListConversationsMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("page.cursor", "garbage")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("page.limit", "must be 1..100"),
                        FieldViolation.of("page.cursor", "is not a cursor of this list")));
        messaging
                .stub(MessagingServiceGrpc.getListMessagesMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("conversation_id", conversationId)
                .willFail(NovaException.invalidArgument(FieldViolation.of("conversation_id", "must be a UUID")));

        var create = client.post(
                "/api/v1/conversations", Map.of("participantIds", List.of(), "title", "Two"), caller.accessToken());
        assertThat(create.status()).isEqualTo(400);
        assertThat(fields(create.json())).containsExactly("participantIds", "title");
        var send = client.post(
                "/api/v1/conversations/" + conversationId + "/messages",
                Map.of("text", " ", "idempotencyKey", "bad key!"),
                caller.accessToken());
        assertThat(send.status()).isEqualTo(400);
        assertThat(fields(send.json())).containsExactly("text", "idempotencyKey");
        var read = client.post("/api/v1/conversations/" + conversationId + "/read", "{}", caller.accessToken());
        assertThat(read.status()).isEqualTo(400);
        assertThat(fields(read.json())).containsExactly("messageId");
        var list = client.get("/api/v1/conversations?limit=1000&cursor=garbage", caller.accessToken());
        assertThat(list.status()).isEqualTo(400);
        assertThat(fields(list.json())).containsExactly("limit", "cursor");
        var messages = client.get("/api/v1/conversations/" + conversationId + "/messages", caller.accessToken());
        assertThat(fields(messages.json())).as("the path's id").containsExactly("id");
    }

    @Test
    void theEdgeRefusesBadRequestsBeforeAnyCall() {
        GatewayFixture.Caller caller = fixture.signIn();
        String conversationId = UUID.randomUUID().toString();
        int callsBefore = fixture.messaging.stubs().calls().size();

        var malformed = client.post("/api/v1/conversations", "{\"participantIds\": [", caller.accessToken());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("message").asText()).startsWith("malformed JSON: ");
        var notAnArray =
                client.post("/api/v1/conversations", Map.of("participantIds", "someone"), caller.accessToken());
        assertThat(notAnArray.status()).isEqualTo(400);
        assertThat(fields(notAnArray.json())).containsExactly("participantIds");
        assertThat(notAnArray.json().path("error").path("message").asText())
                .isEqualTo("field 'participantIds' must be a JSON array");
        var numberId = client.post("/api/v1/conversations", "{\"participantIds\":[5]}", caller.accessToken());
        assertThat(fields(numberId.json())).containsExactly("participantIds[0]");
        var nullId = client.post("/api/v1/conversations", "{\"participantIds\":[null]}", caller.accessToken());
        assertThat(nullId.status()).isEqualTo(400);
        assertThat(fields(nullId.json())).containsExactly("participantIds");
        var numberText = client.post(
                "/api/v1/conversations/" + conversationId + "/messages", Map.of("text", 5), caller.accessToken());
        assertThat(numberText.status()).isEqualTo(400);
        assertThat(numberText.json().path("error").path("message").asText()).isEqualTo("field 'text' must be a string");
        var unknown = client.post(
                "/api/v1/conversations/" + conversationId + "/read",
                Map.of("messageId", conversationId, "upTo", "x"),
                caller.accessToken());
        assertThat(fields(unknown.json())).containsExactly("upTo");
        var badId = client.post("/api/v1/conversations/42/messages", Map.of("text", "hi"), caller.accessToken());
        assertThat(badId.status()).isEqualTo(400);
        assertThat(fields(badId.json())).containsExactly("id");
        var badLimit = client.get("/api/v1/conversations?limit=ten", caller.accessToken());
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(fields(badLimit.json())).containsExactly("limit");

        assertThat(fixture.messaging.stubs().calls())
                .as("no call reached messaging-service")
                .hasSize(callsBefore);
    }

    @Test
    void everyRouteNeedsASignedInUser() {
        String id = UUID.randomUUID().toString();
        List<GatewayClient.Answer> answers = List.of(
                client.post("/api/v1/conversations", Map.of("participantIds", List.of(id)), null),
                client.get("/api/v1/conversations", null),
                client.get("/api/v1/conversations/unread", null),
                client.post("/api/v1/conversations/" + id + "/messages", Map.of("text", "hi"), null),
                client.get("/api/v1/conversations/" + id + "/messages", null),
                client.post("/api/v1/conversations/" + id + "/read", Map.of("messageId", id), null),
                client.send("PUT", "/api/v1/conversations/" + id + "/mute", Map.of("muted", true), null, Map.of()),
                client.send("PUT", "/api/v1/devices/token-" + id, Map.of("platform", "web"), null, Map.of()));
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.errorCode()).isEqualTo("UNAUTHENTICATED");
            assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
        });
    }

    private static Conversation conversation(List<String> participants, String title, Instant createdAt) {
        return Conversation.newBuilder()
                .setId(UUID.randomUUID().toString())
                .addAllParticipantIds(participants)
                .setTitle(title)
                .setCreatedAt(Timestamp.newBuilder()
                        .setSeconds(createdAt.getEpochSecond())
                        .setNanos(createdAt.getNano()))
                .build();
    }

    private static Message.Builder message(String conversationId, String senderId, String text) {
        return Message.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setConversationId(conversationId)
                .setSenderId(senderId)
                .setText(text)
                .setSentAt(Timestamp.newBuilder()
                        .setSeconds(Instant.parse("2026-12-02T12:00:00Z").getEpochSecond())
                        .setNanos(500_000_000));
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(element -> texts.add(element.asText()));
        return texts;
    }

    private static List<String> fields(JsonNode error) {
        List<String> fields = new ArrayList<>();
        error.path("error").path("details").forEach(detail -> {
            if ("fieldViolation".equals(detail.path("type").asText())) {
                fields.add(detail.path("field").asText());
            }
        });
        return fields;
    }
}
