package social.nova.content;

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
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.content.v1.ContentServiceGrpc;
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
 * The content -> user -> auth chain, all real and in this JVM, on the shared PostgreSQL, Redis and
 * Consul containers. auth-service and user-service register in Consul, where the resilient
 * clients of their callers find them (the only way nova-rpc resolves a service).
 */
final class Platform implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration STARTUP = Duration.ofSeconds(30);

    final RunningService auth;
    final RunningService users;
    final RunningService content;
    private final ManagedChannel authChannel;
    private final ManagedChannel userChannel;
    private final ManagedChannel contentChannel;

    /** A registered, logged-in user. */
    record User(String id, String username, String accessToken) {
    }

    private Platform() {
        Map<String, String> registered = ServiceConfigs.registeredIn(SharedContainers.consul());
        auth = startAuth(registered);
        users = social.nova.user.Main.start(ServiceKit.create(ServiceConfigs.config(social.nova.user.Main.class,
                "users", "users_service", registered)));
        content = Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "content", "content_service",
                Map.of("consul.url", SharedContainers.consulHttpUri().toString()))));
        String host = registered.get("server.host");
        authChannel = ManagedChannelBuilder.forAddress(host, auth.port()).usePlaintext().build();
        userChannel = ManagedChannelBuilder.forAddress(host, users.port()).usePlaintext().build();
        contentChannel = ManagedChannelBuilder.forAddress("127.0.0.1", content.port()).usePlaintext().build();
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service");
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** An auth-service on the shared database (same signing keys), registered as {@code consulConfig} says. */
    static RunningService startAuth(Map<String, String> consulConfig) {
        Map<String, String> config = new HashMap<>(consulConfig);
        config.put("auth.passwords.memory-kib", "4096");
        config.put("auth.limits.register-per-client.limit", "10000");
        config.put("auth.limits.login-per-client.limit", "10000");
        return social.nova.auth.Main.start(ServiceKit.create(
                ServiceConfigs.config(social.nova.auth.Main.class, "auth", "auth_service", config)));
    }

    /** A content-service of its own whose Consul is {@code consul} (for outages of its dependencies). */
    static RunningService startContentWith(ConsulContainer consul) {
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "content", "content_service",
                Map.of("consul.url", SharedContainers.consulHttpUri(consul).toString()))));
    }

    /** content-service as {@code user} calls it. */
    ContentServiceGrpc.ContentServiceBlockingStub contentAs(User user) {
        return ContentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(contentChannel, bearer(user.accessToken())));
    }

    ContentServiceGrpc.ContentServiceBlockingStub contentAnonymously() {
        return ContentServiceGrpc.newBlockingStub(contentChannel);
    }

    static ContentServiceGrpc.ContentServiceBlockingStub contentAs(ManagedChannel channel, User user) {
        return ContentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return UserServiceGrpc.newBlockingStub(ClientInterceptors.intercept(userChannel, bearer(user.accessToken())));
    }

    /** Registers and logs in a new user through auth-service (its profile arrives by event). */
    User register() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String username = "c_" + suffix;
        String email = "content-" + suffix + "@example.com";
        var authStub = AuthServiceGrpc.newBlockingStub(authChannel);
        String id = authStub.register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD)
                .setUsername(username).setDisplayName("Writer " + suffix.substring(0, 6)).build()).getUserId();
        String token = authStub.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        return new User(id, username, token);
    }

    /** A new user whose profile user-service already has. */
    User registerWithProfile() {
        User user = register();
        await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> usersAs(user).getUser(GetUserRequest.newBuilder().setUserId(user.id()).build()) != null);
        return user;
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : new ManagedChannel[] {contentChannel, userChannel, authChannel}) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        content.stop();
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
