package social.nova.user;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.NovaEvents;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

import static org.awaitility.Awaitility.await;

/**
 * user-service, real, on the shared PostgreSQL, Redis and Consul containers. What auth-service
 * would do for it is stood in for: a registered auth-service stub (nova-service-testing) publishes
 * the key set and signs the tests' access tokens, and a registration is the {@code UserRegistered}
 * event auth-service's outbox relay would publish, put on the shared Redis in the same form. The
 * stubs the tests exercise become user-service's consumer contract with auth-service.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "user-service";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    final StubbedAuthService auth;
    final RunningService users;
    private final ManagedChannel userChannel;

    /** A registered user with an access token. */
    record User(String id, String username, String accessToken) {}

    private Platform(Map<String, String> userOverrides) {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service");
        Map<String, String> userConfig = new java.util.HashMap<>();
        userConfig.put("consul.url", SharedContainers.consulHttpUri().toString());
        userConfig.put("user.registrations.claim-min-idle", "PT1S");
        userConfig.put("user.registrations.claim-interval", "PT0.5S");
        userConfig.putAll(userOverrides);
        users = Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "users", "users_service", userConfig)));
        userChannel = ManagedChannelBuilder.forAddress("127.0.0.1", users.port())
                .usePlaintext()
                .build();
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** user-service as {@code user} calls it. */
    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return usersWithToken(user.accessToken());
    }

    UserServiceGrpc.UserServiceBlockingStub usersWithToken(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return UserServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(userChannel, MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAnonymously() {
        return UserServiceGrpc.newBlockingStub(userChannel);
    }

    /**
     * A new user as auth-service registers one: the {@code UserRegistered} event (the payload
     * auth-service writes: id, username, display name, time; no email) on {@code nova.events.user},
     * and an access token signed by the auth stub. The profile follows from the event.
     */
    User register() {
        String id = UUID.randomUUID().toString();
        String suffix = id.replace("-", "").substring(0, 20);
        String username = "u_" + suffix;
        NovaEvents.userRegistered(id, username, "User " + suffix.substring(0, 6));
        return new User(id, username, auth.accessToken(id));
    }

    /** A new user whose profile user-service already has. */
    User registerWithProfile() {
        User user = register();
        await().atMost(Duration.ofSeconds(2))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> usersAs(user)
                                .getUser(GetUserRequest.newBuilder()
                                        .setUserId(user.id())
                                        .build())
                        != null);
        return user;
    }

    @Override
    public void close() throws InterruptedException {
        userChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        users.stop();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform(Map.of()));
    }
}
