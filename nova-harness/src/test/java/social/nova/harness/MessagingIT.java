package social.nova.harness;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.FieldMask;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import redis.clients.jedis.RedisClient;
import social.nova.contracts.user.v1.MessagePolicy;
import social.nova.contracts.user.v1.Preferences;
import social.nova.contracts.user.v1.UpdatePreferencesRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.harness.GatewayApi.Account;
import social.nova.harness.GatewayApi.Answer;
import social.nova.testing.FcmDouble;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * messaging-service on the whole stack (issue 11): the gateway's conversation routes, the edge
 * messaging-service → user-service (who may message whom: blocks and each recipient's
 * {@code allow_messages_from}), and live delivery over the gateway's WebSocket (its
 * {@code StreamMessages} call to messaging-service), with a resume after a reconnect, and the push
 * notification of a message to a recipient who is not connected (the stack's FCM double).
 */
@ExtendWith(NovaStackExtension.class)
@Order(1)
class MessagingIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);

    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private static NovaStack stack;
    private static GatewayApi gateway;
    private static final List<ManagedChannel> CHANNELS = new ArrayList<>();

    @BeforeAll
    static void gatewayOf(NovaStack novaStack) {
        stack = novaStack;
        gateway = GatewayApi.of(stack, REQUEST_TIMEOUT);
    }

    @AfterAll
    static void closeChannels() {
        CHANNELS.forEach(ManagedChannel::shutdownNow);
    }

    /**
     * Issue 11's journey through the gateway, its WebSocket included: both talk live, the repeated
     * key sends once, a reconnect resumes without a repeat, the read marker reaches the sender, and
     * once the recipient is gone the next message is pushed to their registered device, once.
     */
    @Test
    void twoUsersTalkLiveOverWebSocketsAndAReconnectResumesWithoutRepeats() throws Exception {
        Account ann = gateway.signUp("ann");
        Account ben = gateway.signUp("ben");
        // Both apps register their phones' push tokens at sign-in.
        String annsPhone = "ann-phone:APA91b" + UUID.randomUUID().toString().replace("-", "");
        String bensPhone = "ben-phone:APA91b" + UUID.randomUUID().toString().replace("-", "");
        gateway.expect(204, "PUT", "/api/v1/devices/" + annsPhone, ann.accessToken(), Map.of("platform", "android"));
        gateway.expect(204, "PUT", "/api/v1/devices/" + bensPhone, ben.accessToken(), Map.of("platform", "ios"));

        Answer created = gateway.call(
                "POST", "/api/v1/conversations", ann.accessToken(), Map.of("participantIds", List.of(ben.userId())));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        String conversation = created.body().get("id").asText();
        assertThat(created.body().get("participantIds"))
                .extracting(JsonNode::asText)
                .containsExactlyInAnyOrder(ann.userId(), ben.userId());
        Answer again = gateway.call(
                "POST", "/api/v1/conversations", ben.accessToken(), Map.of("participantIds", List.of(ann.userId())));
        assertThat(again.status())
                .as("the pair's conversation already exists: %s", again)
                .isEqualTo(200);
        assertThat(again.body().get("id").asText()).isEqualTo(conversation);

        // Both open their sockets and resume after the greeting, as an app does with the newest
        // message it has: whatever follows arrives whether the live stream had started or not.
        String greeting = send(ann, conversation, "hello ben", "key-0");
        RealtimeSocket bens = RealtimeSocket.open(gateway, ben, greeting);
        RealtimeSocket anns = RealtimeSocket.open(gateway, ann, greeting);
        String first = send(ann, conversation, "are you there?", "key-1");
        String second = send(ann, conversation, "lunch at noon?", "key-2");
        assertThat(send(ann, conversation, "lunch at noon?", "key-2"))
                .as("the same key again: the same message, not a second one")
                .isEqualTo(second);
        String third = send(ann, conversation, "at the usual place", "key-3");
        gateway.call(
                        "POST",
                        "/api/v1/conversations/" + conversation + "/messages",
                        ann.accessToken(),
                        Map.of("text", "something else", "idempotencyKey", "key-3"))
                .assertError(409, "ALREADY_EXISTS", "IDEMPOTENCY_KEY_REUSED");

        assertThat(bens.messageIds(3)).containsExactly(first, second, third);
        JsonNode frame = bens.messageFrames().get(1);
        assertThat(frame.get("message").get("senderId").asText()).isEqualTo(ann.userId());
        assertThat(frame.get("message").get("text").asText()).isEqualTo("lunch at noon?");
        assertThat(anns.messageIds(3)).as("the sender's own devices see it too").containsExactly(first, second, third);
        bens.close();
        assertThat(bens.messageIds()).as("exactly three frames, each once").containsExactly(first, second, third);

        // Ben reconnects having seen only the second: the socket replays the one after it, then goes
        // on live, and nothing comes twice.
        RealtimeSocket resumed = RealtimeSocket.open(gateway, ben, second);
        assertThat(resumed.messageIds(1)).containsExactly(third);
        String fourth = send(ann, conversation, "see you", "key-4");
        assertThat(resumed.messageIds(2)).as("live after the replay, no repeat").containsExactly(third, fourth);

        JsonNode page = gateway.expect(
                200, "GET", "/api/v1/conversations/" + conversation + "/messages?limit=3", ben.accessToken(), null);
        assertThat(page.get("items"))
                .extracting(item -> item.get("id").asText())
                .containsExactly(fourth, third, second);
        JsonNode older = gateway.expect(
                200,
                "GET",
                "/api/v1/conversations/" + conversation + "/messages?limit=3&cursor="
                        + page.get("nextCursor").asText(),
                ben.accessToken(),
                null);
        assertThat(older.get("items"))
                .extracting(item -> item.get("id").asText())
                .containsExactly(first, greeting);

        JsonNode listed = gateway.expect(200, "GET", "/api/v1/conversations", ben.accessToken(), null)
                .get("items")
                .get(0);
        assertThat(listed.get("id").asText()).isEqualTo(conversation);
        assertThat(listed.get("unreadCount").asLong()).isEqualTo(5);
        assertThat(listed.get("lastMessage").get("id").asText()).isEqualTo(fourth);

        gateway.expect(
                204,
                "POST",
                "/api/v1/conversations/" + conversation + "/read",
                ben.accessToken(),
                Map.of("messageId", fourth));
        JsonNode read = anns.next("read");
        assertThat(read.get("conversationId").asText()).isEqualTo(conversation);
        assertThat(read.get("userId").asText()).isEqualTo(ben.userId());
        assertThat(read.get("messageId").asText()).isEqualTo(fourth);
        JsonNode unread = gateway.expect(200, "GET", "/api/v1/conversations/unread", ben.accessToken(), null);
        assertThat(unread.get("unreadMessages").asLong()).isZero();
        assertThat(unread.get("unreadConversations").asLong()).isZero();

        // Ben closes the app. Once messaging-service no longer counts him as connected, Ann's next
        // message is pushed to his phone, once. (Messages sent in the instant a socket opens or
        // closes may be pushed or not: presence is read when the message's event is handled.)
        resumed.close();
        awaitOffline(ben);
        String fifth = send(ann, conversation, "call me when you land", "key-5");
        FcmDouble fcm = stack.fcm().orElseThrow();
        Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .until(() -> pushesOf(fcm, fifth).size() == 1);
        FcmDouble.ReceivedMessage push = pushesOf(fcm, fifth).getFirst();
        assertThat(push.token()).isEqualTo(bensPhone);
        assertThat(push.title()).isEqualTo("New message");
        assertThat(push.body()).isEqualTo("call me when you land");
        assertThat(push.data()).containsEntry("conversationId", conversation).containsEntry("senderId", ann.userId());
        assertThat(fcm.messages())
                .as("nothing ever goes to the sender's own phone")
                .noneMatch(message -> message.token().equals(annsPhone));
        anns.close();
    }

    /** Waits until no messaging-service instance counts {@code account} as connected. */
    private static void awaitOffline(Account account) {
        try (RedisClient redis =
                RedisClient.create(stack.redisUri().getHost(), stack.redisUri().getPort())) {
            Awaitility.await()
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> redis.zcard("nova:messaging:presence:" + account.userId()) == 0);
        }
    }

    /** The pushes FCM got for one message. */
    private static List<FcmDouble.ReceivedMessage> pushesOf(FcmDouble fcm, String messageId) {
        return fcm.messages().stream()
                .filter(message -> messageId.equals(message.data().get("messageId")))
                .toList();
    }

    @Test
    void someoneWhoBlocksTheSenderOrTakesNoMessagesCannotBeMessaged() throws Exception {
        Account sender = gateway.signUp("sender");
        Account blocker = gateway.signUp("blocker");
        Account closed = gateway.signUp("closed");
        gateway.expect(204, "PUT", "/api/v1/users/" + sender.userId() + "/block", blocker.accessToken(), null);
        // The gateway has no preferences route yet: set it the way an app's settings screen will, on user-service.
        UserServiceGrpc.newBlockingStub(channel("user-service", closed))
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .updatePreferences(UpdatePreferencesRequest.newBuilder()
                        .setPreferences(
                                Preferences.newBuilder().setAllowMessagesFrom(MessagePolicy.MESSAGE_POLICY_NOBODY))
                        .setUpdateMask(FieldMask.newBuilder().addPaths("allow_messages_from"))
                        .build());

        gateway.call(
                        "POST",
                        "/api/v1/conversations",
                        sender.accessToken(),
                        Map.of("participantIds", List.of(blocker.userId())))
                .assertError(403, "PERMISSION_DENIED", "RECIPIENT_NOT_ACCEPTING");
        gateway.call(
                        "POST",
                        "/api/v1/conversations",
                        sender.accessToken(),
                        Map.of("participantIds", List.of(closed.userId())))
                .assertError(403, "PERMISSION_DENIED", "RECIPIENT_NOT_ACCEPTING");

        // A block that comes after the conversation stops the messages in it.
        Account friend = gateway.signUp("friend");
        String conversation = gateway.expect(
                        201,
                        "POST",
                        "/api/v1/conversations",
                        sender.accessToken(),
                        Map.of("participantIds", List.of(friend.userId())))
                .get("id")
                .asText();
        send(sender, conversation, "hi", "k1");
        gateway.expect(204, "PUT", "/api/v1/users/" + sender.userId() + "/block", friend.accessToken(), null);
        gateway.call(
                        "POST",
                        "/api/v1/conversations/" + conversation + "/messages",
                        sender.accessToken(),
                        Map.of("text", "still there?", "idempotencyKey", "k2"))
                .assertError(403, "PERMISSION_DENIED", "RECIPIENT_NOT_ACCEPTING");
    }

    @Test
    void badInputAndStrangersGetPreciseErrors() throws Exception {
        Account owner = gateway.signUp("owner");
        Account other = gateway.signUp("other");
        Account stranger = gateway.signUp("stranger");
        String conversation = gateway.expect(
                        201,
                        "POST",
                        "/api/v1/conversations",
                        owner.accessToken(),
                        Map.of("participantIds", List.of(other.userId())))
                .get("id")
                .asText();

        Answer noOne =
                gateway.call("POST", "/api/v1/conversations", owner.accessToken(), Map.of("participantIds", List.of()));
        noOne.assertError(400, "INVALID_ARGUMENT", null);
        assertThat(noOne.violatedFields()).containsExactly("participantIds");
        Answer blank = gateway.call(
                "POST",
                "/api/v1/conversations/" + conversation + "/messages",
                owner.accessToken(),
                Map.of("text", "   "));
        blank.assertError(400, "INVALID_ARGUMENT", null);
        assertThat(blank.violatedFields()).containsExactly("text");
        Answer tooLong = gateway.call(
                "POST",
                "/api/v1/conversations/" + conversation + "/messages",
                owner.accessToken(),
                Map.of("text", "x".repeat(4001)));
        tooLong.assertError(400, "INVALID_ARGUMENT", null);
        assertThat(tooLong.violatedFields()).containsExactly("text");
        gateway.call("POST", "/api/v1/conversations", owner.accessToken(), "{not json")
                .assertError(400, "INVALID_ARGUMENT", null);

        // For someone outside it, the conversation does not exist.
        gateway.get("/api/v1/conversations/" + conversation + "/messages", stranger.accessToken())
                .assertError(404, "NOT_FOUND", null);
        gateway.call(
                        "POST",
                        "/api/v1/conversations/" + conversation + "/messages",
                        stranger.accessToken(),
                        Map.of("text", "let me in"))
                .assertError(404, "NOT_FOUND", null);
        gateway.call(
                        "POST",
                        "/api/v1/conversations",
                        owner.accessToken(),
                        Map.of("participantIds", List.of(UUID.randomUUID().toString())))
                .assertError(404, "NOT_FOUND", null);
        gateway.get("/api/v1/conversations", null).assertError(401, "UNAUTHENTICATED", "TOKEN_MISSING");
    }

    private static String send(Account sender, String conversation, String text, String key) throws Exception {
        Answer sent = gateway.call(
                "POST",
                "/api/v1/conversations/" + conversation + "/messages",
                sender.accessToken(),
                Map.of("text", text, "idempotencyKey", key));
        assertThat(sent.status()).as(sent.toString()).isEqualTo(201);
        assertThat(sent.body().get("conversationId").asText()).isEqualTo(conversation);
        assertThat(sent.body().get("senderId").asText()).isEqualTo(sender.userId());
        assertThat(sent.body().get("text").asText()).isEqualTo(text.strip());
        return sent.body().get("id").asText();
    }

    /** A channel straight to a service's first instance, as {@code account}. */
    private static Channel channel(String service, Account account) {
        ManagedChannel channel = Grpc.newChannelBuilder(
                        stack.instances(service).getFirst().hostTarget(), InsecureChannelCredentials.create())
                .build();
        synchronized (CHANNELS) {
            CHANNELS.add(channel);
        }
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + account.accessToken());
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
