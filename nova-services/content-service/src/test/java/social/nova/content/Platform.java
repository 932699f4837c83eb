package social.nova.content;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.media.v1.GetMediaMetadataResponse;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.contracttesting.ProviderState;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * content-service, real, on the shared PostgreSQL, Redis and Consul containers, with what it calls
 * stood in for by registered stub servers (nova-service-testing): auth-service publishes a key set
 * and signs the tests' access tokens, user-service answers GetUser for the users a test declares,
 * media-service answers GetMediaMetadata for the media a test declares (to their owner only, as the
 * real one does). The stubs the tests exercise are written as content-service's consumer contracts
 * with user-service, media-service and auth-service ({@code target/nova-contracts}), which the
 * harness verifies against the real services. No other service's jar is on the test class path.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "content-service";
    static final Duration STARTUP = Duration.ofSeconds(30);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final StubbedAuthService auth;
    final RegisteredStub users;
    final RegisteredStub media;
    final RunningService content;
    private final ManagedChannel contentChannel;

    /** A user with an access token; whether user-service knows them is up to the test. */
    record User(String id, String username, String accessToken) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        users = RegisteredStub.start(
                "user-service", UserServiceGrpc.getServiceDescriptor(), CONSUMER, SharedContainers.consul());
        media = RegisteredStub.start(
                "media-service", MediaServiceGrpc.getServiceDescriptor(), CONSUMER, SharedContainers.consul());
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "user-service", "media-service");
        content = startContentWith(SharedContainers.consul());
        contentChannel = ManagedChannelBuilder.forAddress("127.0.0.1", content.port())
                .usePlaintext()
                .build();
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** A content-service of its own whose Consul is {@code consul} (for outages of its dependencies). */
    static RunningService startContentWith(ConsulContainer consul) {
        return Main.start(ServiceKit.create(ServiceConfigs.config(
                Main.class,
                "content",
                "content_service",
                Map.of("consul.url", SharedContainers.consulHttpUri(consul).toString()))));
    }

    /** content-service as {@code user} calls it. */
    ContentServiceGrpc.ContentServiceBlockingStub contentAs(User user) {
        return ContentServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(contentChannel, bearer(user.accessToken())));
    }

    ContentServiceGrpc.ContentServiceBlockingStub contentAnonymously() {
        return ContentServiceGrpc.newBlockingStub(contentChannel);
    }

    static ContentServiceGrpc.ContentServiceBlockingStub contentAs(ManagedChannel channel, User user) {
        return ContentServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    /** A new user with a valid access token, whom user-service does not know: no stub answers for them. */
    User register() {
        String id = UUID.randomUUID().toString();
        String username = "c_" + id.replace("-", "").substring(0, 20);
        return new User(id, username, auth.accessToken(id));
    }

    /** A new user whose profile user-service has: GetUser of their id answers it. */
    User registerWithProfile() {
        User user = register();
        stubProfile(users, user);
        return user;
    }

    /** GetUser of {@code user}'s id answers their profile at {@code users}. */
    static void stubProfile(RegisteredStub users, User user) {
        users.stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .given(ProviderState.of("a user exists")
                        .with("userId", user.id())
                        .with("accessToken", user.accessToken()))
                .whenField("user_id", user.id())
                .describedAs("an author's profile exists")
                .willReturn(GetUserResponse.newBuilder()
                        .setProfile(Profile.newBuilder().setId(user.id()).setUsername(user.username()))
                        .build());
    }

    /** A user with a token whose profile user-service no longer has (deleted): GetUser is NOT_FOUND. */
    User registerWithoutProfile() {
        User user = register();
        users.stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .given(ProviderState.of("no user with the id")
                        .with("userId", user.id())
                        .with("accessToken", user.accessToken()))
                .whenField("user_id", user.id())
                .describedAs("an author without a profile is NOT_FOUND")
                .willFail(NovaException.notFound("user", user.id()));
        return user;
    }

    /**
     * A READY media item {@code owner} uploaded: GetMediaMetadata answers it when {@code owner} asks
     * (their token is forwarded by content-service); its id.
     */
    String mediaOf(User owner, MediaStatus status) {
        if (status != MediaStatus.MEDIA_STATUS_READY) {
            // A live stack cannot hold an item PROCESSING for as long as a verification takes.
            throw new IllegalArgumentException(
                    "the contract has READY media, not " + status + "; use mediaAnsweredAs for the other states");
        }
        String id = UUID.randomUUID().toString();
        media.stubs()
                .stub(MediaServiceGrpc.getGetMediaMetadataMethod())
                .given(ProviderState.of("media of the caller READY")
                        .with("userId", owner.id())
                        .with("accessToken", owner.accessToken())
                        .with("mediaId", id))
                .whenField("media_id", id)
                .whenHeader("authorization", "Bearer " + owner.accessToken())
                .describedAs("the author's own media is READY")
                .willReturn(metadata(id, owner.id(), status));
        return id;
    }

    /** A media item media-service does not know as {@code caller}'s: GetMediaMetadata is NOT_FOUND to them; its id. */
    String unknownMediaOf(User caller) {
        String id = UUID.randomUUID().toString();
        media.stubs()
                .stub(MediaServiceGrpc.getGetMediaMetadataMethod())
                .given(ProviderState.of("no media with the id")
                        .with("accessToken", caller.accessToken())
                        .with("mediaId", id))
                .whenField("media_id", id)
                .whenHeader("authorization", "Bearer " + caller.accessToken())
                .describedAs("media the caller did not upload is NOT_FOUND")
                .willFail(NovaException.notFound("media", id).toBuilder()
                        .domain("media.nova.social")
                        .build());
        return id;
    }

    /**
     * A media item media-service answers to {@code caller} as it is, though they did not upload it
     * ({@code owner}'s, or in {@code status}): cases the harness cannot make at the real provider
     * (PROCESSING lasts a moment there), kept out of the contract; the READY interaction pins the
     * answer's shape.
     */
    String mediaAnsweredAs(User caller, String owner, MediaStatus status) {
        String id = UUID.randomUUID().toString();
        media.stubs()
                .stub(MediaServiceGrpc.getGetMediaMetadataMethod())
                .whenField("media_id", id)
                .whenHeader("authorization", "Bearer " + caller.accessToken())
                .describedAs("media owned by " + owner + " in " + status)
                .excludedFromContract()
                .willReturn(metadata(id, owner, status));
        return id;
    }

    private static GetMediaMetadataResponse metadata(String id, String owner, MediaStatus status) {
        return GetMediaMetadataResponse.newBuilder()
                .setMedia(MediaMetadata.newBuilder()
                        .setId(id)
                        .setOwnerId(owner)
                        .setContentType("image/png")
                        .setStatus(status))
                .build();
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        contentChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        content.stop();
        media.close();
        users.close();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
