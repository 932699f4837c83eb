package social.nova.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.user.v1.GetMessagingPermissionsResponse;
import social.nova.contracts.user.v1.GetNotificationSettingsResponse;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.NotificationSetting;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.contracttesting.ProviderState;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.FcmDouble;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * Two messaging-service instances, real, on the shared PostgreSQL, Redis and Consul containers (one
 * schema, as two replicas share it), with what they call stood in for by registered stub servers
 * (nova-service-testing): auth-service publishes a key set and signs the tests' access tokens,
 * user-service answers GetMessagingPermissions from the users, blocks and refusals a test declares.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "messaging-service";
    static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final StubbedAuthService auth;
    final RegisteredStub users;
    /** Firebase Cloud Messaging as both instances push to it (a double of Google's service). */
    final FcmDouble fcm;

    final RunningService messaging;
    final RunningService secondInstance;
    private final ManagedChannel channel;
    private final ManagedChannel secondChannel;

    private final Map<String, String> userByToken = new ConcurrentHashMap<>();
    private final Set<String> known = ConcurrentHashMap.newKeySet();
    private final Set<String> refusingNewConversations = ConcurrentHashMap.newKeySet();
    private final Set<String> blocks = ConcurrentHashMap.newKeySet();
    private final Set<String> withoutMessageNotifications = ConcurrentHashMap.newKeySet();

    /** A user with an access token. */
    record User(String id, String accessToken) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        users = RegisteredStub.start(
                "user-service", UserServiceGrpc.getServiceDescriptor(), CONSUMER, SharedContainers.consul());
        // user-service, simulated over the test's own users: which it knows, who blocks whom, who
        // takes no new conversations. Each request answers for the caller of its access token.
        users.stubs()
                .stub(UserServiceGrpc.getGetMessagingPermissionsMethod())
                .describedAs("messaging permissions of the test's users")
                .excludedFromContract()
                .willAnswer((request, headers) -> {
                    String caller = userByToken.get(
                            headers.getOrDefault("authorization", "").replaceFirst("(?i)^bearer ", ""));
                    var response = GetMessagingPermissionsResponse.newBuilder();
                    for (String id : request.getUserIdsList()) {
                        boolean found = known.contains(id);
                        boolean blocked =
                                found && (blocks.contains(caller + ">" + id) || blocks.contains(id + ">" + caller));
                        response.addPermissions(MessagingPermission.newBuilder()
                                .setUserId(id)
                                .setFound(found)
                                .setBlocked(blocked)
                                .setAcceptsNewConversation(
                                        found && !blocked && !refusingNewConversations.contains(id)));
                    }
                    return response.build();
                });
        // Notification switches, as the push sender asks for them (no caller: it handles an event).
        users.stubs()
                .stub(UserServiceGrpc.getGetNotificationSettingsMethod())
                .describedAs("notification settings of the test's users")
                .excludedFromContract()
                .willAnswer((request, headers) -> {
                    var response = GetNotificationSettingsResponse.newBuilder();
                    for (String id : request.getUserIdsList()) {
                        boolean found = known.contains(id);
                        response.addSettings(NotificationSetting.newBuilder()
                                .setUserId(id)
                                .setFound(found)
                                .setNotifyOnFollow(found)
                                .setNotifyOnLike(found)
                                .setNotifyOnMessage(found && !withoutMessageNotifications.contains(id)));
                    }
                    return response.build();
                });
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service");
        fcm = FcmDouble.start("nova-tests");
        Map<String, String> pushing = new HashMap<>();
        pushing.put("fcm.enabled", "true");
        pushing.put("fcm.endpoint", fcm.endpoint().toString());
        pushing.put("fcm.project-id", fcm.projectId());
        pushing.put("fcm.credentials", fcm.serviceAccount().json());
        pushing.put("fcm.retry.backoff-initial", "PT0.05S");
        messaging = startMessagingWith(SharedContainers.consul(), pushing);
        secondInstance = startMessagingWith(SharedContainers.consul(), pushing);
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", messaging.port())
                .usePlaintext()
                .build();
        secondChannel = ManagedChannelBuilder.forAddress("127.0.0.1", secondInstance.port())
                .usePlaintext()
                .build();
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** A messaging-service of its own whose Consul is {@code consul}, on the shared schema. */
    static RunningService startMessagingWith(ConsulContainer consul) {
        return startMessagingWith(consul, Map.of());
    }

    /** As {@link #startMessagingWith(ConsulContainer)}, with {@code config} over the tests' settings. */
    static RunningService startMessagingWith(ConsulContainer consul, Map<String, String> config) {
        Map<String, String> overrides = new HashMap<>();
        overrides.put("consul.url", SharedContainers.consulHttpUri(consul).toString());
        // Open streams count as calls in flight; the tests need not wait for them at shutdown.
        overrides.put("shutdown.drain-timeout", "PT0.5S");
        overrides.put("messaging.limits.send-message.limit", "1000");
        // A frozen Redis is noticed after three missed pongs: 3 s here.
        overrides.put("messaging.live.ping-interval", "PT1S");
        overrides.putAll(config);
        return Main.start(
                ServiceKit.create(ServiceConfigs.config(Main.class, "messaging", "messaging_service", overrides)));
    }

    /** A new user whom user-service knows, with a valid access token. */
    User register() {
        User user = unknownUser();
        known.add(user.id());
        return user;
    }

    /** A user with a valid access token whom user-service does not know (deleted, or never existed). */
    User unknownUser() {
        String id = UUID.randomUUID().toString();
        String token = auth.accessToken(id);
        userByToken.put(token, id);
        return new User(id, token);
    }

    // Consumer contract with user-service. The simulation above answers for any of the tests' users
    // and is kept out of the contract; these pin single calls that messaging-service relies on, with
    // the simulation's answers, for the harness to replay against the real user-service
    // (ConsumerContractsIT). The most recently defined stub that matches answers.

    /** Pins the consent check when {@code caller} starts a one-to-one conversation with {@code other}. */
    void pinConsent(User caller, User other) {
        users.stubs()
                .stub(UserServiceGrpc.getGetMessagingPermissionsMethod())
                .given(ProviderState.of("two users")
                        .with("accessToken", caller.accessToken())
                        .with("otherUserId", other.id()))
                .whenField("user_ids", List.of(other.id()))
                .whenHeader("authorization", "Bearer " + caller.accessToken())
                .describedAs("a new user accepts a conversation with another")
                .willReturn(GetMessagingPermissionsResponse.newBuilder()
                        .addPermissions(MessagingPermission.newBuilder()
                                .setUserId(other.id())
                                .setFound(true)
                                .setBlocked(false)
                                .setAcceptsNewConversation(true))
                        .build());
    }

    /** Pins the consent check when {@code caller} starts a conversation with {@code ghost}, who does not exist. */
    void pinUnknown(User caller, User ghost) {
        users.stubs()
                .stub(UserServiceGrpc.getGetMessagingPermissionsMethod())
                .given(ProviderState.of("no user with the id")
                        .with("accessToken", caller.accessToken())
                        .with("userId", ghost.id()))
                .whenField("user_ids", List.of(ghost.id()))
                .whenHeader("authorization", "Bearer " + caller.accessToken())
                .describedAs("an unknown user is not found")
                .willReturn(GetMessagingPermissionsResponse.newBuilder()
                        .addPermissions(MessagingPermission.newBuilder()
                                .setUserId(ghost.id())
                                .setFound(false)
                                .setBlocked(false)
                                .setAcceptsNewConversation(false))
                        .build());
    }

    /** Pins the notification switches the push sender reads for {@code recipient} (a new user's defaults). */
    void pinNotificationSettings(User recipient) {
        users.stubs()
                .stub(UserServiceGrpc.getGetNotificationSettingsMethod())
                .given(ProviderState.of("a user exists").with("userId", recipient.id()))
                .whenField("user_ids", List.of(recipient.id()))
                .describedAs("a new user is notified of messages")
                .willReturn(GetNotificationSettingsResponse.newBuilder()
                        .addSettings(NotificationSetting.newBuilder()
                                .setUserId(recipient.id())
                                .setFound(true)
                                .setNotifyOnFollow(true)
                                .setNotifyOnLike(true)
                                .setNotifyOnMessage(true))
                        .build());
    }

    /** {@code blocker} blocks {@code blocked}: no message passes between them, either way. */
    void block(User blocker, User blocked) {
        blocks.add(blocker.id() + ">" + blocked.id());
    }

    /** {@code user} turned notify_on_message off. */
    void turnOffMessageNotifications(User user) {
        withoutMessageNotifications.add(user.id());
    }

    /** {@code user}'s allow_messages_from admits nobody new. */
    void refuseNewConversations(User user) {
        refusingNewConversations.add(user.id());
    }

    /** messaging-service (the first instance) as {@code user} calls it. */
    MessagingServiceGrpc.MessagingServiceBlockingStub as(User user) {
        return MessagingServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    /** The second instance as {@code user} calls it. */
    MessagingServiceGrpc.MessagingServiceBlockingStub onSecondInstanceAs(User user) {
        return MessagingServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(secondChannel, bearer(user.accessToken())));
    }

    /** Streams of the first instance as {@code user} opens them. */
    MessagingServiceGrpc.MessagingServiceStub streamsAs(User user) {
        return MessagingServiceGrpc.newStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    MessagingServiceGrpc.MessagingServiceBlockingStub anonymously() {
        return MessagingServiceGrpc.newBlockingStub(channel);
    }

    /** The messaging-service behind {@code channel} as {@code user} calls it. */
    static MessagingServiceGrpc.MessagingServiceBlockingStub as(ManagedChannel channel, User user) {
        return MessagingServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    static ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        secondChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        secondInstance.stop();
        messaging.stop();
        users.close();
        auth.close();
        fcm.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
