package social.nova.search;

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
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.search.v1.SearchServiceGrpc;
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
 * search-service and the producers of its events, all real and in this JVM, on the shared
 * PostgreSQL, Redis and Consul containers: auth-service (UserRegistered, and the keys tokens are
 * verified with), user-service (UserProfileUpdated, UserBlocked, UserUnblocked) and
 * content-service (PostCreated, PostDeleted). auth-service and user-service register in Consul,
 * where their callers' resilient clients find them.
 */
final class Platform implements AutoCloseable {
    static final String PASSWORD = "correct horse battery";
    static final Duration STARTUP = Duration.ofSeconds(30);
    static final String DATABASE = "nova_search";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final RunningService auth;
    final RunningService users;
    final RunningService content;
    final RunningService search;
    private final ManagedChannel authChannel;
    private final ManagedChannel userChannel;
    private final ManagedChannel contentChannel;
    private final ManagedChannel searchChannel;

    /** A registered, logged-in user. */
    record User(String id, String username, String displayName, String accessToken) {
    }

    private Platform() {
        Map<String, String> registered = ServiceConfigs.registeredIn(SharedContainers.consul());
        auth = startAuth(registered);
        users = social.nova.user.Main.start(ServiceKit.create(ServiceConfigs.config(social.nova.user.Main.class,
                "users", "users_service", registered)));
        content = social.nova.content.Main.start(ServiceKit.create(ServiceConfigs.config(
                social.nova.content.Main.class, "content", "content_service",
                Map.of("consul.url", SharedContainers.consulHttpUri().toString()))));
        // The ITs poll searches until the index catches up: far more calls than a person makes.
        search = startSearch(Map.of("search.limits.search.limit", "1000000"));
        String host = registered.get("server.host");
        authChannel = ManagedChannelBuilder.forAddress(host, auth.port()).usePlaintext().build();
        userChannel = ManagedChannelBuilder.forAddress(host, users.port()).usePlaintext().build();
        contentChannel = ManagedChannelBuilder.forAddress("127.0.0.1", content.port()).usePlaintext().build();
        searchChannel = ManagedChannelBuilder.forAddress("127.0.0.1", search.port()).usePlaintext().build();
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service");
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /**
     * A search-service of its own on the shared containers, in the UTF8 database {@link #DATABASE},
     * with {@code overrides} over its application.yaml.
     */
    static RunningService startSearch(Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>();
        config.put("consul.url", SharedContainers.consulHttpUri().toString());
        config.put("db.url", jdbcUrl(utf8Database()));
        config.putAll(overrides);
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "search", "search_service", config)));
    }

    /**
     * A UTF8 database of the shared PostgreSQL (created once), as production has: the shared one
     * is SQL_ASCII where the local stand-in image (nova-harness/images/postgres, initdb without
     * --encoding) runs, and search-service refuses that (V1__index.sql).
     */
    static synchronized String utf8Database() {
        Jdbi admin = Jdbi.create(SharedContainers.postgres().getJdbcUrl(), SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
        admin.useHandle(handle -> {
            if (handle.createQuery("SELECT count(*) FROM pg_database WHERE datname = :name").bind("name", DATABASE)
                    .mapTo(Integer.class).one() == 0) {
                handle.execute("CREATE DATABASE " + DATABASE + " ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0");
            }
        });
        return DATABASE;
    }

    /** The shared PostgreSQL's JDBC URL with another database. */
    static String jdbcUrl(String database) {
        return SharedContainers.postgres().getJdbcUrl().replaceFirst("/[^/?]+(\\?|$)", "/" + database + "$1");
    }

    /** The superuser on {@link #DATABASE}. */
    static Jdbi admin() {
        return Jdbi.create(jdbcUrl(utf8Database()), SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
    }

    private static RunningService startAuth(Map<String, String> consulConfig) {
        Map<String, String> config = new HashMap<>(consulConfig);
        config.put("auth.passwords.memory-kib", "4096");
        config.put("auth.limits.register-per-client.limit", "10000");
        config.put("auth.limits.login-per-client.limit", "10000");
        return social.nova.auth.Main.start(ServiceKit.create(
                ServiceConfigs.config(social.nova.auth.Main.class, "auth", "auth_service", config)));
    }

    SearchServiceGrpc.SearchServiceBlockingStub searchAs(User user) {
        return searchAs(searchChannel, user);
    }

    static SearchServiceGrpc.SearchServiceBlockingStub searchAs(ManagedChannel channel, User user) {
        return SearchServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    SearchServiceGrpc.SearchServiceBlockingStub searchAnonymously() {
        return SearchServiceGrpc.newBlockingStub(searchChannel);
    }

    ContentServiceGrpc.ContentServiceBlockingStub contentAs(User user) {
        return ContentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(contentChannel, bearer(user.accessToken())));
    }

    UserServiceGrpc.UserServiceBlockingStub usersAs(User user) {
        return UserServiceGrpc.newBlockingStub(ClientInterceptors.intercept(userChannel, bearer(user.accessToken())));
    }

    /**
     * Registers and logs in a new user with this display name through auth-service, and waits until
     * user-service has the profile (so that it can post, block and update it).
     */
    User register(String displayName) {
        String suffix = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        String username = "s_" + suffix;
        String email = "search-" + suffix + "@example.com";
        var authStub = AuthServiceGrpc.newBlockingStub(authChannel);
        String id = authStub.register(RegisterRequest.newBuilder().setEmail(email).setPassword(PASSWORD)
                .setUsername(username).setDisplayName(displayName).build()).getUserId();
        String token = authStub.login(LoginRequest.newBuilder().setEmail(email).setPassword(PASSWORD).build())
                .getTokens().getAccessToken();
        User user = new User(id, username, displayName, token);
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
        for (ManagedChannel channel : new ManagedChannel[] {searchChannel, contentChannel, userChannel, authChannel}) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        search.stop();
        content.stop();
        users.stop();
        auth.stop();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
