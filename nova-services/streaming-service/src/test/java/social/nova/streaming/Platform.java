package social.nova.streaming;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.user.v1.GetMessagingPermissionsResponse;
import social.nova.contracts.user.v1.MessagingPermission;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.contracttesting.ProviderState;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * streaming-service, real, on the shared PostgreSQL, Redis and Consul containers, with what it calls
 * stood in for by registered stub servers (nova-service-testing): auth-service publishes a key set
 * and signs the tests' access tokens; user-service answers GetMessagingPermissions from the blocks a
 * test declares. The media server's callbacks are made by the tests themselves, as nginx-rtmp makes
 * them (form posts with name and key): the real nginx-rtmp publishing real video is the harness's
 * StreamingIT. Timeouts are seconds here, so that streams ending by themselves can be seen.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "streaming-service";
    static final Duration STARTUP = Duration.ofSeconds(30);
    static final String SECRET = "test-media-server-secret";
    static final Duration PRESENCE_TTL = Duration.ofSeconds(3);
    static final Duration START_TIMEOUT = Duration.ofSeconds(6);
    static final Duration PUBLISHER_TIMEOUT = Duration.ofSeconds(4);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final StubbedAuthService auth;
    final RegisteredStub users;
    final RunningService streaming;
    private final ManagedChannel channel;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Map<String, String> userByToken = new ConcurrentHashMap<>();
    private final Set<String> blocks = ConcurrentHashMap.newKeySet();

    /** A user with an access token. */
    record User(String id, String accessToken) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        users = RegisteredStub.start(
                "user-service", UserServiceGrpc.getServiceDescriptor(), CONSUMER, SharedContainers.consul());
        // user-service, simulated over the tests' users: who blocks whom, answering for the caller
        // of each request's access token. Kept out of the contract; pinBlockCheck pins one call.
        users.stubs()
                .stub(UserServiceGrpc.getGetMessagingPermissionsMethod())
                .describedAs("blocks between the test's users")
                .excludedFromContract()
                .willAnswer((request, headers) -> {
                    String caller = userByToken.get(
                            headers.getOrDefault("authorization", "").replaceFirst("(?i)^bearer ", ""));
                    var response = GetMessagingPermissionsResponse.newBuilder();
                    for (String id : request.getUserIdsList()) {
                        boolean blocked = blocks.contains(caller + ">" + id) || blocks.contains(id + ">" + caller);
                        response.addPermissions(MessagingPermission.newBuilder()
                                .setUserId(id)
                                .setFound(true)
                                .setBlocked(blocked)
                                .setAcceptsNewConversation(!blocked));
                    }
                    return response.build();
                });
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service");
        streaming = startInstance();
        channel = channelTo(streaming);
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** One more streaming-service instance on the same PostgreSQL and Redis. */
    static RunningService startInstance() {
        Map<String, String> config = new HashMap<>();
        config.put("consul.url", SharedContainers.consulHttpUri().toString());
        config.put("streaming.media-server.callback-secret", SECRET);
        config.put("streaming.ingest-url", "rtmp://media.example:1935/live");
        config.put("streaming.playback-url", "https://media.example/hls/");
        config.put("streaming.presence.ttl", PRESENCE_TTL.toString());
        config.put("streaming.start-timeout", START_TIMEOUT.toString());
        config.put("streaming.publisher-timeout", PUBLISHER_TIMEOUT.toString());
        config.put("streaming.sweep-interval", "PT0.5S");
        config.put("streaming.watch-interval", "PT0.5S");
        config.put("streaming.limits.start-stream.limit", "5");
        return Main.start(
                ServiceKit.create(ServiceConfigs.config(Main.class, "streaming", "streaming_service", config)));
    }

    static ManagedChannel channelTo(RunningService instance) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", instance.port())
                .usePlaintext()
                .build();
    }

    /** A new user with a valid access token. */
    User register() {
        String id = UUID.randomUUID().toString();
        String token = auth.accessToken(id);
        userByToken.put(token, id);
        return new User(id, token);
    }

    /** {@code blocker} blocks {@code blocked} (as user-service answers from now on). */
    void block(User blocker, User blocked) {
        blocks.add(blocker.id() + ">" + blocked.id());
    }

    /**
     * Pins, for the consumer contract, the block check when {@code viewer} joins {@code owner}'s
     * stream: two users who do not block each other.
     */
    void pinBlockCheck(User viewer, User owner) {
        users.stubs()
                .stub(UserServiceGrpc.getGetMessagingPermissionsMethod())
                .given(ProviderState.of("two users")
                        .with("accessToken", viewer.accessToken())
                        .with("otherUserId", owner.id()))
                .whenField("user_ids", List.of(owner.id()))
                .whenHeader("authorization", "Bearer " + viewer.accessToken())
                .describedAs("a viewer and a broadcaster who do not block each other")
                .willReturn(GetMessagingPermissionsResponse.newBuilder()
                        .addPermissions(MessagingPermission.newBuilder()
                                .setUserId(owner.id())
                                .setFound(true)
                                .setBlocked(false)
                                .setAcceptsNewConversation(true))
                        .build());
    }

    /** streaming-service as {@code user} calls it. */
    StreamingServiceGrpc.StreamingServiceBlockingStub as(User user) {
        return as(channel, user);
    }

    StreamingServiceGrpc.StreamingServiceStub asyncAs(User user) {
        return StreamingServiceGrpc.newStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    static StreamingServiceGrpc.StreamingServiceBlockingStub as(ManagedChannel channel, User user) {
        return StreamingServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    StreamingServiceGrpc.StreamingServiceBlockingStub anonymously() {
        return StreamingServiceGrpc.newBlockingStub(channel);
    }

    /**
     * A media-server callback as nginx-rtmp makes it: a form post of {@code name} (the stream id) and
     * {@code key} (plus what nginx-rtmp adds) to {@code /media-server/<secret>/<call>}; the status.
     */
    int callback(String secret, String call, String name, String key) throws Exception {
        Map<String, String> form = new HashMap<>();
        form.put("call", call.replace("-", "_"));
        form.put("app", "live");
        form.put("addr", "172.18.0.9");
        form.put("name", name);
        if (key != null) {
            form.put("key", key);
        }
        String body = String.join(
                "&",
                form.entrySet().stream()
                        .map(entry ->
                                entry.getKey() + "=" + URLEncoder.encode(entry.getValue(), StandardCharsets.UTF_8))
                        .toList());
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + streaming.port() + "/media-server/" + secret + "/" + call))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        return response.statusCode();
    }

    int callback(String call, String name, String key) throws Exception {
        return callback(SECRET, call, name, key);
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        streaming.stop();
        users.close();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
