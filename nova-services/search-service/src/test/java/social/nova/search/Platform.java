package social.nova.search;

import java.time.Duration;
import java.time.Instant;
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
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.NovaEvents;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * search-service, real, on the shared PostgreSQL, Redis and Consul containers, with the producers of
 * its events and its token keys stood in for (nova-service-testing): a registered auth-service stub
 * publishes the key set and signs the tests' tokens, and every change a test makes is the event its
 * producer would publish ({@code UserRegistered} as auth-service, {@code UserProfileUpdated},
 * {@code UserBlocked}, {@code UserUnblocked} as user-service, {@code PostCreated},
 * {@code PostDeleted} as content-service), put on the shared Redis in the same form. The stubs the
 * tests exercise become search-service's consumer contract with auth-service. No other service's
 * jar is on the test class path.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "search-service";
    static final Duration STARTUP = Duration.ofSeconds(30);
    static final String DATABASE = "nova_search";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final StubbedAuthService auth;
    final RunningService search;
    private final ManagedChannel searchChannel;

    /** A registered user with an access token. */
    record User(String id, String username, String displayName, String accessToken) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service");
        // The ITs poll searches until the index catches up: far more calls than a person makes.
        search = startSearch(Map.of("search.limits.search.limit", "1000000"));
        searchChannel = ManagedChannelBuilder.forAddress("127.0.0.1", search.port())
                .usePlaintext()
                .build();
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
        Jdbi admin = Jdbi.create(
                SharedContainers.postgres().getJdbcUrl(),
                SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
        admin.useHandle(handle -> {
            if (handle.createQuery("SELECT count(*) FROM pg_database WHERE datname = :name")
                            .bind("name", DATABASE)
                            .mapTo(Integer.class)
                            .one()
                    == 0) {
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

    SearchServiceGrpc.SearchServiceBlockingStub searchAs(User user) {
        return searchAs(searchChannel, user);
    }

    static SearchServiceGrpc.SearchServiceBlockingStub searchAs(ManagedChannel channel, User user) {
        return SearchServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    SearchServiceGrpc.SearchServiceBlockingStub searchAnonymously() {
        return SearchServiceGrpc.newBlockingStub(searchChannel);
    }

    /** A new user as auth-service registers one (the UserRegistered event), with a token of the auth stub. */
    User register(String displayName) {
        String id = UUID.randomUUID().toString();
        String username = "s_" + id.replace("-", "").substring(0, 20);
        NovaEvents.userRegistered(id, username, displayName);
        return new User(id, username, displayName, auth.accessToken(id));
    }

    /** The user changes their display name, as user-service announces it (UserProfileUpdated, bio unchanged and empty). */
    void changeDisplayName(User user, String displayName) {
        NovaEvents.userProfileUpdated(user.id(), user.username(), displayName, "");
    }

    /** {@code blocker} blocks {@code blocked} (UserBlocked; neither followed the other). */
    void block(User blocker, User blocked) {
        NovaEvents.userBlocked(blocker.id(), blocked.id());
    }

    void unblock(User blocker, User blocked) {
        NovaEvents.userUnblocked(blocker.id(), blocked.id());
    }

    /** A post by {@code author}, as content-service announces it (PostCreated); returns its id. */
    String post(User author, String text) {
        String id = UUID.randomUUID().toString();
        NovaEvents.postCreated(id, author.id(), text, Instant.now());
        return id;
    }

    /** {@code author} deletes the post (PostDeleted). */
    void deletePost(User author, String postId) {
        NovaEvents.postDeleted(postId, author.id());
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        searchChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        search.stop();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
