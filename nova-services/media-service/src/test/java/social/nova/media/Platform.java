package social.nova.media;

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
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ObjectStoreContainer;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * media-service, real, on the shared PostgreSQL, Redis, Consul and S3-compatible object store
 * (S3Proxy) containers, with auth-service's keys from a registered stub (nova-service-testing) that
 * also signs the tests' tokens. The stubs the tests exercise become media-service's consumer
 * contract with auth-service. No other service's jar is on the test class path.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "media-service";
    static final Duration STARTUP = Duration.ofSeconds(30);
    static final String BUCKET = "nova-media-it";
    static final String NO_FFMPEG = "/nonexistent/ffmpeg";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    final StubbedAuthService auth;
    final RunningService media;
    private final ManagedChannel channel;

    /** A user with an access token of the auth stub. */
    record User(String id, String accessToken) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service");
        // This machine need not have ffmpeg: the ITs see videos end FAILED for want of it (the harness
        // runs the service's image, which has Debian's ffmpeg, on real videos).
        media = startMedia(Map.of(
                "media.limits.upload.limit",
                "1000000",
                "media.processing.ffmpeg",
                NO_FFMPEG,
                "media.processing.ffprobe",
                NO_FFMPEG));
        channel = channelTo(media);
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /** A media-service of its own on the shared containers, with {@code overrides} over its application.yaml. */
    static RunningService startMedia(Map<String, String> overrides) {
        ObjectStoreContainer store = SharedContainers.objectStore();
        Map<String, String> config = new HashMap<>();
        config.put("consul.url", SharedContainers.consulHttpUri().toString());
        config.put("media.storage.endpoint", store.endpoint().toString());
        config.put("media.storage.access-key", store.accessKey());
        config.put("media.storage.secret-key", store.secretKey());
        config.put("media.storage.bucket", BUCKET);
        config.putAll(overrides);
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, "media", "media_service", config)));
    }

    static ManagedChannel channelTo(RunningService service) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", service.port())
                .usePlaintext()
                .build();
    }

    /** A client of the shared object store, as an operator would look into the bucket. */
    static S3Client s3() {
        return SharedContainers.objectStore().newClient();
    }

    /** The superuser on the shared database, to look at media-service's tables. */
    static Jdbi admin() {
        return Jdbi.create(
                SharedContainers.postgres().getJdbcUrl(),
                SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
    }

    MediaServiceGrpc.MediaServiceBlockingStub blockingAs(User user) {
        return MediaServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    MediaServiceGrpc.MediaServiceStub asyncAs(User user) {
        return asyncAs(channel, user);
    }

    static MediaServiceGrpc.MediaServiceStub asyncAs(ManagedChannel channel, User user) {
        return MediaServiceGrpc.newStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    MediaServiceGrpc.MediaServiceBlockingStub anonymously() {
        return MediaServiceGrpc.newBlockingStub(channel);
    }

    MediaServiceGrpc.MediaServiceStub asyncAnonymously() {
        return MediaServiceGrpc.newStub(channel);
    }

    /** The item's metadata once its processing has brought it to {@code status} (within 30 s). */
    MediaMetadata awaitStatus(User owner, String mediaId, MediaStatus status) {
        GetMediaMetadataRequest request =
                GetMediaMetadataRequest.newBuilder().setMediaId(mediaId).build();
        return org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> blockingAs(owner).getMediaMetadata(request).getMedia(),
                        media -> media.getStatus() == status);
    }

    /** A new user, with a token of the auth stub. */
    User user() {
        String id = UUID.randomUUID().toString();
        return new User(id, auth.accessToken(id));
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        media.stop();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
