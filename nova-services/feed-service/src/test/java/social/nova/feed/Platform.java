package social.nova.feed;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
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
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
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
 * The feed -> content -> user -> auth chain, all real and in this JVM, on the shared PostgreSQL,
 * Redis and Consul containers. auth-service, user-service and content-service register in Consul,
 * where the resilient clients of their callers find them (the only way nova-rpc resolves a
 * service); feed-service is called directly. Its trending lists are recomputed every 0.5 s.
 */
final class Platform implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration STARTUP = Duration.ofSeconds(30);

    final RunningService auth;
    final RunningService users;
    final RunningService content;
    final RunningService feed;
    private final ManagedChannel authChannel;
    private final ManagedChannel userChannel;
    private final ManagedChannel contentChannel;
    private final ManagedChannel feedChannel;

    /** A registered, logged-in user. */
    record User(String id, String username, String accessToken) {
    }

    private Platform() {
        Map<String, String> registered = ServiceConfigs.registeredIn(SharedContainers.consul());
        auth = startAuth(registered);
        users = social.nova.user.Main.start(ServiceKit.create(ServiceConfigs.config(social.nova.user.Main.class,
                "users", "users_service", registered)));
        content = social.nova.content.Main.start(ServiceKit.create(ServiceConfigs.config(
                social.nova.content.Main.class, "content", "content_service", registered)));
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service", "content-service");
        feed = startFeed("feed", "feed_service", Map.of());
        String host = registered.get("server.host");
        authChannel = ManagedChannelBuilder.forAddress(host, auth.port()).usePlaintext().build();
        userChannel = ManagedChannelBuilder.forAddress(host, users.port()).usePlaintext().build();
        contentChannel = ManagedChannelBuilder.forAddress(host, content.port()).usePlaintext().build();
        feedChannel = channelTo(feed);
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

    /**
     * A feed-service on its own schema and role, finding content-service in the shared Consul, with
     * trending recomputed every 0.5 s, under {@code overrides} (a second instance needs its own
     * schema and consumer group).
     */
    static RunningService startFeed(String schema, String role, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>();
        config.put("consul.url", SharedContainers.consulHttpUri().toString());
        config.put("feed.trending.interval", "PT0.5S");
        config.put("feed.events.posts.block-timeout", "PT0.5S");
        config.put("feed.events.users.block-timeout", "PT0.5S");
        config.putAll(overrides);
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, schema, role, config)));
    }

    static ManagedChannel channelTo(RunningService service) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", service.port()).usePlaintext().build();
    }

    /** feed-service as {@code user} calls it. */
    FeedServiceGrpc.FeedServiceBlockingStub feedAs(User user) {
        return feedAs(feedChannel, user);
    }

    static FeedServiceGrpc.FeedServiceBlockingStub feedAs(ManagedChannel channel, User user) {
        return FeedServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    FeedServiceGrpc.FeedServiceBlockingStub feedAnonymously() {
        return FeedServiceGrpc.newBlockingStub(feedChannel);
    }

    ContentServiceGrpc.ContentServiceBlockingStub contentAs(User user) {
        return ContentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(contentChannel, bearer(user.accessToken())));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return UserServiceGrpc.newBlockingStub(ClientInterceptors.intercept(userChannel, bearer(user.accessToken())));
    }

    /** A new user whose profile user-service already has (content-service lets only such users post). */
    User registerWithProfile() {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String email = "feed-" + suffix + "@example.com";
        var authStub = AuthServiceGrpc.newBlockingStub(authChannel);
        String id = authStub.register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD)
                .setUsername("f_" + suffix).setDisplayName("Reader " + suffix.substring(0, 6)).build()).getUserId();
        String token = authStub.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        User user = new User(id, "f_" + suffix, token);
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .until(() -> usersAs(user).getUser(GetUserRequest.newBuilder().setUserId(user.id()).build()) != null);
        return user;
    }

    /** The shared PostgreSQL as its superuser (to look into feed-service's tables). */
    static Connection database() throws SQLException {
        return DriverManager.getConnection(SharedContainers.postgres().getJdbcUrl(), SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        for (ManagedChannel channel : new ManagedChannel[] {feedChannel, contentChannel, userChannel, authChannel}) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        feed.stop();
        content.stop();
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
