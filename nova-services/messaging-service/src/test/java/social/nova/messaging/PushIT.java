package social.nova.messaging;

import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.CreateConversationRequest;
import social.nova.contracts.messaging.v1.DevicePlatform;
import social.nova.contracts.messaging.v1.RegisterDeviceRequest;
import social.nova.contracts.messaging.v1.SendMessageRequest;
import social.nova.contracts.messaging.v1.SetConversationMutedRequest;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.errors.ErrorCode;
import social.nova.testing.FcmDouble;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * Push notifications of new messages, from SendMessage to Firebase Cloud Messaging (a double of
 * Google's service that checks the access token and the payload and records what it got), through
 * messaging-service's own MessageSent events, on both instances.
 *
 * <p>That a message was not pushed is asserted once its event has been handled: nova-events marks
 * each handled event in Redis, and the tests wait for the mark of the message's event, never for a
 * while.
 */
class PushIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String EVENTS = "nova.events.conversation";
    private static final String HANDLED = "nova:events:handled:messaging-service-push:";

    private final Platform platform = Platform.shared();

    @Test
    void aMessageIsPushedToEachDeviceOfARecipientWhoIsNotConnectedAndNeverToTheSender() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String adasPhone = device(ada, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        String bobsPhone = device(bob, DevicePlatform.DEVICE_PLATFORM_IOS);
        String bobsBrowser = device(bob, DevicePlatform.DEVICE_PLATFORM_WEB);
        String conversation = create(ada, bob).getId();
        platform.pinNotificationSettings(bob);

        String sent = platform.as(ada)
                .sendMessage(send(conversation, "are you coming tonight?"))
                .getMessage()
                .getId();

        await().atMost(PATIENCE)
                .until(() ->
                        pushesTo(bobsPhone).size() == 1 && pushesTo(bobsBrowser).size() == 1);
        FcmDouble.ReceivedMessage push = pushesTo(bobsPhone).getFirst();
        assertThat(push.title()).isEqualTo("New message");
        assertThat(push.body()).isEqualTo("are you coming tonight?");
        assertThat(push.data())
                .containsEntry("type", "message")
                .containsEntry("conversationId", conversation)
                .containsEntry("messageId", sent)
                .containsEntry("senderId", ada.id());
        // Bob's pushes went out while handling the event, after the sender was left out.
        assertThat(pushesTo(adasPhone)).as("the sender's own devices").isEmpty();
    }

    @Test
    void noPushWhileTheRecipientHasAStreamOpenOnEitherInstance() throws Exception {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        String bobsPhone = device(bob, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        String conversation = create(ada, bob).getId();

        StreamRecorder stream = new StreamRecorder();
        platform.streamsAs(bob).streamMessages(StreamMessagesRequest.getDefaultInstance(), stream);
        try {
            // Through the other instance: presence is shared, not per instance.
            String online = platform.onSecondInstanceAs(ada)
                    .sendMessage(send(conversation, "you are online"))
                    .getMessage()
                    .getId();
            await().atMost(PATIENCE).until(() -> stream.texts().contains("you are online"));
            awaitHandled(online);
        } finally {
            stream.cancel();
        }
        assertThat(pushesTo(bobsPhone)).as("pushes while connected").isEmpty();

        // Once the stream is gone (and the instance has said so), the next message is pushed.
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            await().atMost(PATIENCE).until(() -> redis.zcard("nova:messaging:presence:" + bob.id()) == 0);
        }
        platform.as(ada).sendMessage(send(conversation, "and now you are not"));
        await().atMost(PATIENCE).until(() -> !pushesTo(bobsPhone).isEmpty());
        assertThat(pushesTo(bobsPhone))
                .extracting(FcmDouble.ReceivedMessage::body)
                .containsExactly("and now you are not");
    }

    @Test
    void aMutedConversationOrMessageNotificationsTurnedOffMeanNoPush() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User cyd = platform.register();
        String bobsPhone = device(bob, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        String cydsPhone = device(cyd, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        String group = platform.as(ada)
                .createConversation(CreateConversationRequest.newBuilder()
                        .addParticipantIds(bob.id())
                        .addParticipantIds(cyd.id())
                        .setTitle("climbing")
                        .build())
                .getConversation()
                .getId();
        platform.as(bob)
                .setConversationMuted(SetConversationMutedRequest.newBuilder()
                        .setConversationId(group)
                        .setMuted(true)
                        .build());
        platform.turnOffMessageNotifications(cyd);

        awaitHandled(platform.as(ada)
                .sendMessage(send(group, "saturday at nine"))
                .getMessage()
                .getId());
        assertThat(pushesTo(bobsPhone)).as("muted").isEmpty();
        assertThat(pushesTo(cydsPhone)).as("notify_on_message off").isEmpty();

        platform.as(bob)
                .setConversationMuted(SetConversationMutedRequest.newBuilder()
                        .setConversationId(group)
                        .setMuted(false)
                        .build());
        platform.as(ada).sendMessage(send(group, "bring the rope"));
        await().atMost(PATIENCE).until(() -> !pushesTo(bobsPhone).isEmpty());
        assertThat(pushesTo(bobsPhone))
                .extracting(FcmDouble.ReceivedMessage::body)
                .containsExactly("bring the rope");
    }

    @Test
    void aTokenFcmNoLongerKnowsIsForgottenAndATokenRegisteredAgainMovesToTheNewUser() throws Exception {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        Platform.User cyd = platform.register();
        String uninstalled = device(bob, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        String handedOver = device(bob, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        platform.fcm.unregistered(uninstalled);
        // The phone changes hands: cyd signs in on it and registers the same token.
        register(cyd, handedOver, DevicePlatform.DEVICE_PLATFORM_ANDROID);
        assertThat(ownerOf(handedOver)).isEqualTo(cyd.id());
        String conversation = create(ada, bob).getId();

        awaitHandled(platform.as(ada)
                .sendMessage(send(conversation, "hello?"))
                .getMessage()
                .getId());

        assertThat(ownerOf(uninstalled)).as("the unregistered token's row").isNull();
        assertThat(pushesTo(handedOver))
                .as("bob's message on the phone cyd now uses")
                .isEmpty();
    }

    @Test
    void registerDeviceAndMuteValidateTheirInput() {
        Platform.User ada = platform.register();
        Platform.User bob = platform.register();
        var asAda = platform.as(ada);

        assertThat(violatedFields(() -> asAda.registerDevice(RegisterDeviceRequest.getDefaultInstance())))
                .containsExactlyInAnyOrder("token", "platform");
        assertThat(violatedFields(() -> asAda.registerDevice(RegisterDeviceRequest.newBuilder()
                        .setToken("has a space")
                        .setPlatform(DevicePlatform.DEVICE_PLATFORM_WEB)
                        .build())))
                .containsExactly("token");
        assertThat(violatedFields(() -> asAda.registerDevice(RegisterDeviceRequest.newBuilder()
                        .setToken("x".repeat(Devices.MAX_TOKEN_LENGTH + 1))
                        .setPlatform(DevicePlatform.DEVICE_PLATFORM_WEB)
                        .build())))
                .containsExactly("token");
        assertThat(failure(() -> platform.anonymously()
                                .registerDevice(RegisterDeviceRequest.newBuilder()
                                        .setToken("token")
                                        .setPlatform(DevicePlatform.DEVICE_PLATFORM_WEB)
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);

        assertThat(violatedFields(() -> asAda.setConversationMuted(SetConversationMutedRequest.newBuilder()
                        .setConversationId("not-a-uuid")
                        .build())))
                .containsExactly("conversation_id");
        String theirs = create(bob, platform.register()).getId();
        assertThat(failure(() -> asAda.setConversationMuted(SetConversationMutedRequest.newBuilder()
                                .setConversationId(theirs)
                                .setMuted(true)
                                .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    private String device(Platform.User user, DevicePlatform kind) {
        String token = "fcm-" + UUID.randomUUID() + ":APA91b"
                + UUID.randomUUID().toString().replace("-", "");
        register(user, token, kind);
        return token;
    }

    private void register(Platform.User user, String token, DevicePlatform kind) {
        platform.as(user)
                .registerDevice(RegisterDeviceRequest.newBuilder()
                        .setToken(token)
                        .setPlatform(kind)
                        .build());
    }

    private List<FcmDouble.ReceivedMessage> pushesTo(String token) {
        return platform.fcm.messages().stream()
                .filter(message -> message.token().equals(token))
                .toList();
    }

    private Conversation create(Platform.User caller, Platform.User other) {
        return platform.as(caller)
                .createConversation(CreateConversationRequest.newBuilder()
                        .addParticipantIds(other.id())
                        .build())
                .getConversation();
    }

    private static SendMessageRequest send(String conversation, String text) {
        return SendMessageRequest.newBuilder()
                .setConversationId(conversation)
                .setText(text)
                .setIdempotencyKey(UUID.randomUUID().toString())
                .build();
    }

    /**
     * Waits until the push sender has handled the MessageSent event of {@code messageId}: its entry
     * in the event stream names the event id, and nova-events marks that id once handled.
     */
    private static void awaitHandled(String messageId) {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            await().atMost(PATIENCE).until(() -> {
                String eventId = redis.xrevrange(EVENTS, "+", "-", 500).stream()
                        .filter(entry ->
                                entry.getFields().getOrDefault("payload", "").contains(messageId))
                        .map(entry -> entry.getFields().get("event-id"))
                        .findFirst()
                        .orElse(null);
                return eventId != null && redis.exists(HANDLED + eventId);
            });
        }
    }

    /** The user a device token is registered to, or null. */
    private static String ownerOf(String token) throws SQLException {
        var postgres = SharedContainers.postgres();
        try (var connection = DriverManager.getConnection(
                        postgres.getJdbcUrl(), SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
                var query = connection.prepareStatement("SELECT user_id FROM messaging.devices WHERE token = ?")) {
            query.setString(1, token);
            try (var rows = query.executeQuery()) {
                return rows.next() ? rows.getString(1) : null;
            }
        }
    }
}
