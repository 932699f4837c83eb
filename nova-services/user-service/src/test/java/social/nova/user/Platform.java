package social.nova.user;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.user.v1.GetUserRequest;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

import static org.awaitility.Awaitility.await;

/**
 * A real auth-service and user-service in this JVM, on the shared PostgreSQL, Redis and Consul
 * containers. auth-service registers in Consul, where user-service's resilient client finds it
 * (the only way nova-rpc resolves a service), and publishes UserRegistered through its outbox.
 */
final class Platform implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Duration STARTUP = Duration.ofSeconds(30);

    final RunningService auth;
    final RunningService users;
    private final ManagedChannel authChannel;
    private final ManagedChannel userChannel;

    /** A registered, logged-in user. */
    record User(String id, String username, String email, String accessToken) {
    }

    private Platform(Map<String, String> userOverrides) {
        Map<String, String> authConfig = new HashMap<>(ServiceConfigs.registeredIn(SharedContainers.consul()));
        authConfig.put("auth.passwords.memory-kib", "4096");
        authConfig.put("auth.limits.register-per-client.limit", "10000");
        authConfig.put("auth.limits.login-per-client.limit", "10000");
        auth = social.nova.auth.Main.start(ServiceKit.create(
                ServiceConfigs.config(social.nova.auth.Main.class, "auth", "auth_service", authConfig)));
        Map<String, String> userConfig = new HashMap<>();
        userConfig.put("consul.url", SharedContainers.consulHttpUri().toString());
        userConfig.put("user.registrations.claim-min-idle", "PT1S");
        userConfig.put("user.registrations.claim-interval", "PT0.5S");
        userConfig.putAll(userOverrides);
        users = Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "users", "users_service", userConfig)));
        String authHost = authConfig.get("server.host");
        authChannel = ManagedChannelBuilder.forAddress(authHost, auth.port()).usePlaintext().build();
        userChannel = ManagedChannelBuilder.forAddress("127.0.0.1", users.port()).usePlaintext().build();
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service");
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return AuthServiceGrpc.newBlockingStub(authChannel);
    }

    /** user-service as {@code user} calls it. */
    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return usersWithToken(user.accessToken());
    }

    UserServiceGrpc.UserServiceBlockingStub usersWithToken(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return UserServiceGrpc.newBlockingStub(ClientInterceptors.intercept(userChannel,
                MetadataUtils.newAttachHeadersInterceptor(headers)));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAnonymously() {
        return UserServiceGrpc.newBlockingStub(userChannel);
    }

    /** Registers and logs in a new user through auth-service (its profile arrives by event). */
    User register() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String username = "u_" + suffix;
        String email = "user-" + suffix + "@example.com";
        String id = auth().register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD)
                .setUsername(username).setDisplayName("User " + suffix.substring(0, 6)).build()).getUserId();
        String token = auth().login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new User(id, username, email, token);
    }

    /** A new user whose profile user-service already has. */
    User registerWithProfile() {
        User user = register();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> usersAs(user).getUser(GetUserRequest.newBuilder().setUserId(user.id()).build()) != null);
        return user;
    }

    @Override
    public void close() throws InterruptedException {
        userChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        authChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform(Map.of()));
    }
}
