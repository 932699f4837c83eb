package social.nova.gateway;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import social.nova.contracts.media.v1.DownloadResponse;
import social.nova.contracts.media.v1.GetDownloadUrlResponse;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.UploadResponse;
import social.nova.servicetesting.RegisteredStub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The media routes' own checks, before media-service is called: an upload must carry bytes and
 * declare their size, a thumbnail size is one of three; and downloads from a media-service older
 * than {@code GetDownloadUrl}. (Uploads and downloads against the real media-service and object
 * store, through the store's URL, run in nova-harness's MediaIT.)
 */
class GatewayMediaIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @Test
    void anUploadWithoutBytesIs400OnItsSize() {
        var caller = fixture.signIn();
        for (String body : new String[] {null, ""}) {
            var answer = client.send("POST", "/api/v1/media", body, caller.accessToken(), Map.of());
            assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
            assertThat(answer.json().toString()).contains("\"field\":\"Content-Length\"");
        }
    }

    @Test
    void aThumbnailSizeIsOneOfThree() {
        var caller = fixture.signIn();
        var answer = client.get(
                "/api/v1/media/" + java.util.UUID.randomUUID() + "/thumbnail?size=200", caller.accessToken());
        assertThat(answer.status()).as(answer.toString()).isEqualTo(400);
        assertThat(answer.json().toString()).contains("\"field\":\"size\"");
    }

    @Test
    void anUploadWithBytesReachesForMediaService() {
        var caller = fixture.signIn();
        var answer = client.send(
                "POST",
                "/api/v1/media",
                "\u0089PNG-not-really",
                caller.accessToken(),
                Map.of("Content-Type", "image/png"));
        // No media-service is registered in these tests: the route is there and says the service is away.
        assertThat(answer.status()).as(answer.toString()).isEqualTo(503);
    }

    /**
     * A media-service deployed before the gateway that moves bytes through the object store answers
     * {@code GetDownloadUrl} and {@code BeginUpload} UNIMPLEMENTED: the gateway then uses its
     * {@code Download} and {@code Upload} streams, instead of failing. A stub of that older
     * media-service, registered for this test only.
     */
    @Test
    void aMediaServiceOlderThanTheObjectStoreRoutesIsUsedThroughItsStreams() throws Exception {
        var caller = fixture.signIn();
        byte[] bytes = new byte[3000];
        new java.util.Random(7).nextBytes(bytes);
        String id = UUID.randomUUID().toString();
        MediaMetadata media = MediaMetadata.newBuilder()
                .setId(id)
                .setOwnerId(caller.userId())
                .setContentType("image/png")
                .setSizeBytes(bytes.length)
                .setSha256("ab".repeat(32))
                .build();
        try (RegisteredStub older =
                RegisteredStub.start("media-service", MediaServiceGrpc.getServiceDescriptor(), null, fixture.consul)) {
            older.stubs()
                    .stub(MediaServiceGrpc.getGetDownloadUrlMethod())
                    .excludedFromContract()
                    .willFail(Status.UNIMPLEMENTED.withDescription(
                            "Method not found: nova.media.v1.MediaService/GetDownloadUrl"));
            older.stubs()
                    .stub(MediaServiceGrpc.getDownloadMethod())
                    .whenField("offset", 0L)
                    .excludedFromContract()
                    .willStream(List.of(
                            DownloadResponse.newBuilder().setMetadata(media).build(),
                            DownloadResponse.newBuilder()
                                    .setChunk(ByteString.copyFrom(bytes, 0, 1000))
                                    .build(),
                            DownloadResponse.newBuilder()
                                    .setChunk(ByteString.copyFrom(bytes, 1000, 2000))
                                    .build()));
            older.stubs()
                    .stub(MediaServiceGrpc.getDownloadMethod())
                    .whenField("offset", 2500L)
                    .excludedFromContract()
                    .willStream(List.of(
                            DownloadResponse.newBuilder().setMetadata(media).build(),
                            DownloadResponse.newBuilder()
                                    .setChunk(ByteString.copyFrom(bytes, 2500, 500))
                                    .build()));
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest.Builder whole = HttpRequest.newBuilder(client.uri("/api/v1/media/" + id + "/content"))
                    .header("Authorization", caller.bearer());
            // The gateway finds the stub in Consul within its discovery's refresh.
            HttpResponse<byte[]> answer = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> http.send(whole.build(), HttpResponse.BodyHandlers.ofByteArray()),
                            response -> response.statusCode() != 503);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).isEqualTo(bytes);
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("image/png");

            HttpResponse<byte[]> tail = http.send(
                    whole.copy().header("Range", "bytes=2500-2599").build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.headers().firstValue("Content-Range")).hasValue("bytes 2500-2599/3000");
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(bytes, 2500, 2600));

            older.stubs()
                    .stub(MediaServiceGrpc.getBeginUploadMethod())
                    .excludedFromContract()
                    .willFail(Status.UNIMPLEMENTED.withDescription(
                            "Method not found: nova.media.v1.MediaService/BeginUpload"));
            older.stubs()
                    .stub(MediaServiceGrpc.getUploadMethod())
                    .excludedFromContract()
                    .willReturn(UploadResponse.newBuilder().setMedia(media).build());
            HttpResponse<String> created = http.send(
                    HttpRequest.newBuilder(client.uri("/api/v1/media"))
                            .header("Authorization", caller.bearer())
                            .header("Content-Type", "image/png")
                            .header("X-Content-SHA256", "ab".repeat(32))
                            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.body()).contains("\"id\":\"" + id + "\"");
            assertThat(older.stubs().calls(MediaServiceGrpc.getUploadMethod())).hasSize(1);
        }
    }

    /**
     * The object store refusing connections when a download starts: a prompt 503 (UNAVAILABLE,
     * retry), a JSON error the client reads whole, not the file's headers.
     */
    @Test
    void aDownloadWhileTheObjectStoreIsDownIsAPrompt503() throws Exception {
        var caller = fixture.signIn();
        String id = UUID.randomUUID().toString();
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (RegisteredStub media =
                RegisteredStub.start("media-service", MediaServiceGrpc.getServiceDescriptor(), null, fixture.consul)) {
            media.stubs()
                    .stub(MediaServiceGrpc.getGetDownloadUrlMethod())
                    .excludedFromContract()
                    .willReturn(GetDownloadUrlResponse.newBuilder()
                            .setMedia(MediaMetadata.newBuilder()
                                    .setId(id)
                                    .setOwnerId(caller.userId())
                                    .setContentType("image/png")
                                    .setSizeBytes(5_000_000)
                                    .setSha256("cd".repeat(32)))
                            .setUrl("http://127.0.0.1:" + closedPort + "/nova-media/objects/x")
                            .build());
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest download = HttpRequest.newBuilder(client.uri("/api/v1/media/" + id + "/content"))
                    .header("Authorization", caller.bearer())
                    .timeout(Duration.ofSeconds(20))
                    .build();
            // Until the gateway has found the stub: then the answer is the store's failure.
            HttpResponse<String> answer = await().atMost(Duration.ofSeconds(30))
                    .until(
                            () -> {
                                int before = media.stubs()
                                        .calls(MediaServiceGrpc.getGetDownloadUrlMethod())
                                        .size();
                                HttpResponse<String> response =
                                        http.send(download, HttpResponse.BodyHandlers.ofString());
                                return media.stubs()
                                                        .calls(MediaServiceGrpc.getGetDownloadUrlMethod())
                                                        .size()
                                                > before
                                        ? response
                                        : null;
                            },
                            java.util.Objects::nonNull);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
            assertThat(answer.body()).contains("\"code\":\"UNAVAILABLE\"");
            assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/json");
        }
    }
}
