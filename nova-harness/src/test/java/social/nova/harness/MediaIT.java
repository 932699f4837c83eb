package social.nova.harness;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;
import social.nova.harness.GatewayApi.Account;
import social.nova.testing.TestImages;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 through the gateway, as an app uploads and shows media: raw bodies streamed up and down
 * through api-gateway and media-service into the stack's S3-compatible store (S3Proxy). What goes
 * up comes down byte-identical (SHA-256), whole or from a Range; a renamed executable is 400, one
 * byte over the image limit 413, someone else's media 404 until a post shows it; images and a video
 * made by ffmpeg get WebP thumbnails of the upright picture, the video its duration.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class MediaIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static NovaStack stack;
    private static GatewayApi gateway;
    private static Account ann;
    private static Account ben;

    @BeforeAll
    static void accounts(NovaStack novaStack) throws Exception {
        stack = novaStack;
        gateway = GatewayApi.of(stack, TIMEOUT);
        ann = gateway.signUp("ann");
        ben = gateway.signUp("ben");
    }

    @Test
    void aPngAndAJpegGoUpAndComeDownByteIdenticalWholeAndByRange() throws Exception {
        for (String type : new String[] {"image/png", "image/jpeg"}) {
            byte[] image = image(type.substring("image/".length()), 640, 480, type.hashCode());
            HttpResponse<String> created = upload(ann, type, image, sha256(image));
            assertThat(created.statusCode()).as("%s: %s", type, created.body()).isEqualTo(201);
            JsonNode media = GatewayApi.JSON.readTree(created.body());
            assertThat(media.path("contentType").asText()).isEqualTo(type);
            assertThat(media.path("size").asLong()).isEqualTo(image.length);
            assertThat(media.path("sha256").asText()).isEqualTo(sha256(image));
            assertThat(media.path("ownerId").asText()).isEqualTo(ann.userId());
            assertThat(media.path("status").asText()).isEqualTo("PROCESSING");
            String id = media.path("id").asText();

            assertThat(gateway.get("/api/v1/media/" + id, ann.accessToken())
                            .body()
                            .path("sha256")
                            .asText())
                    .isEqualTo(sha256(image));
            HttpResponse<byte[]> whole = download(ann, id, null);
            assertThat(whole.statusCode()).isEqualTo(200);
            assertThat(whole.headers().firstValue("Content-Type")).hasValue(type);
            assertThat(whole.headers().firstValue("ETag")).hasValue("\"" + sha256(image) + "\"");
            assertThat(sha256(whole.body())).isEqualTo(sha256(image));

            HttpResponse<byte[]> tail = download(ann, id, "bytes=1000-");
            assertThat(tail.statusCode()).isEqualTo(206);
            assertThat(tail.headers().firstValue("Content-Range"))
                    .hasValue("bytes 1000-" + (image.length - 1) + "/" + image.length);
            assertThat(tail.body()).isEqualTo(Arrays.copyOfRange(image, 1000, image.length));
            HttpResponse<byte[]> slice = download(ann, id, "bytes=10-19");
            assertThat(slice.statusCode()).isEqualTo(206);
            assertThat(slice.body()).isEqualTo(Arrays.copyOfRange(image, 10, 20));
            HttpResponse<byte[]> past = download(ann, id, "bytes=" + image.length + "-");
            assertThat(past.statusCode()).isEqualTo(416);
            assertThat(past.headers().firstValue("Content-Range")).hasValue("bytes */" + image.length);
        }
    }

    @Test
    void aRenamedExecutableIs400AndOneByteOverTheImageLimit413() throws Exception {
        byte[] exe = new byte[4096];
        exe[0] = 'M';
        exe[1] = 'Z';
        HttpResponse<String> renamed = upload(ann, "image/png", exe, null);
        assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(400);
        assertThat(renamed.body()).contains("\"field\":\"Content-Type\"").contains("not image/png");
        // The same with its SHA-256 declared: PUT to the object store by the gateway, refused by
        // media-service from the stored bytes.
        HttpResponse<String> declared = upload(ann, "image/png", exe, sha256(exe));
        assertThat(declared.statusCode()).as(declared.body()).isEqualTo(400);
        assertThat(declared.body()).contains("\"field\":\"Content-Type\"").contains("not image/png");
        // A declared SHA-256 the bytes do not have: the gateway finds it out and cuts the PUT short.
        byte[] png = image("png", 8, 8, 2);
        HttpResponse<String> wrong = upload(ann, "image/png", png, sha256(exe));
        assertThat(wrong.statusCode()).as(wrong.body()).isEqualTo(400);
        assertThat(wrong.body()).contains("\"field\":\"X-Content-SHA256\"");
        // ... also at an address that holds the declared bytes already: they stay as they were.
        byte[] stored = image("png", 16, 16, 3);
        HttpResponse<String> first = upload(ann, "image/png", stored, sha256(stored));
        assertThat(first.statusCode()).as(first.body()).isEqualTo(201);
        String id = GatewayApi.JSON.readTree(first.body()).path("id").asText();
        byte[] impostor = image("png", 16, 16, 4);
        HttpResponse<String> overwrite = upload(ann, "image/png", impostor, sha256(stored));
        assertThat(overwrite.statusCode()).as(overwrite.body()).isEqualTo(400);
        assertThat(overwrite.body()).contains("\"field\":\"X-Content-SHA256\"");
        assertThat(download(ann, id, null).body()).isEqualTo(stored);

        byte[] tooBig = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(image("png", 8, 8, 1), 0, tooBig, 0, 8);
        HttpResponse<String> large = upload(ann, "image/png", tooBig, null);
        assertThat(large.statusCode()).as(large.body()).isEqualTo(413);
        assertThat(large.body()).contains("\"field\":\"Content-Length\"");
    }

    /**
     * A client that stops sending before the body's declared length (here: half the bytes, then
     * its side of the connection closed) gets 400 on Content-Length, with its SHA-256 declared (the
     * gateway's PUT to the store) or not (media-service's Upload stream), and nothing is stored:
     * the same bytes sent whole afterwards are a new item.
     */
    @Test
    void anUploadCutShortBySomeoneWhoLeftIs400AndStoresNothing() throws Exception {
        byte[] png = image("png", 24, 24, 5);
        for (String sha256 : new String[] {sha256(png), null}) {
            String answer = uploadHalfThenLeave(ann, "image/png", png, sha256);
            assertThat(answer).as("declared SHA-256: %s", sha256).startsWith("HTTP/1.1 400 ");
            assertThat(answer).contains("\"field\":\"Content-Length\"").contains("nothing was stored");
        }
        HttpResponse<String> whole = upload(ann, "image/png", png, sha256(png));
        assertThat(whole.statusCode()).as(whole.body()).isEqualTo(201);
        String id = GatewayApi.JSON.readTree(whole.body()).path("id").asText();
        assertThat(download(ann, id, null).body()).isEqualTo(png);
    }

    @Test
    void anotherUserCannotReadPrivateMedia() throws Exception {
        byte[] image = image("png", 64, 64, 7);
        String id = GatewayApi.JSON
                .readTree(upload(ann, "image/png", image, null).body())
                .path("id")
                .asText();

        gateway.get("/api/v1/media/" + id, ben.accessToken()).assertError(404, "NOT_FOUND", null);
        assertThat(download(ben, id, null).statusCode()).isEqualTo(404);
        gateway.get("/api/v1/media/" + id + "/thumbnail?size=150", ben.accessToken())
                .assertError(404, "NOT_FOUND", null);
        assertThat(gateway.get("/api/v1/media/" + id + "/thumbnail?size=151", ann.accessToken())
                        .violatedFields())
                .containsExactly("size");
        assertThat(upload(null, "image/png", image, null).statusCode()).isEqualTo(401);
    }

    /**
     * The journey: a PNG, a JPEG a phone took sideways (EXIF orientation 6) and a 5 s MP4
     * made by Debian's ffmpeg go up, come down byte-identical, and get WebP thumbnails of the
     * upright picture (the video's of its first frame) and, for the video, its duration.
     */
    @Test
    void aPngASidewaysJpegAndAVideoGetThumbnailsAndTheVideoItsDuration() throws Exception {
        byte[] png = image("png", 640, 480, 31);
        byte[] jpeg = TestImages.withExifOrientation(TestImages.halves("jpeg", 300, 200), 6);
        byte[] mp4 = testPattern(5);
        String pngId = gateway.upload(ann, "image/png", png);
        String jpegId = gateway.upload(ann, "image/jpeg", jpeg);
        String mp4Id = gateway.upload(ann, "video/mp4", mp4);

        for (var sent : java.util.Map.of(pngId, png, jpegId, jpeg, mp4Id, mp4).entrySet()) {
            HttpResponse<byte[]> body = download(ann, sent.getKey(), null);
            assertThat(body.statusCode()).isEqualTo(200);
            assertThat(sha256(body.body())).isEqualTo(sha256(sent.getValue()));
        }

        JsonNode pngReady = gateway.awaitReady(ann, pngId);
        assertThat(List.of(
                        pngReady.path("width").asInt(), pngReady.path("height").asInt()))
                .containsExactly(640, 480);
        assertThat(thumbnail(ann, pngId, 150)).satisfies(size(150, 113));
        assertThat(thumbnail(ann, pngId, 480)).satisfies(size(480, 360));
        assertThat(thumbnail(ann, pngId, 1080)).satisfies(size(640, 480)); // never enlarged

        JsonNode jpegReady = gateway.awaitReady(ann, jpegId);
        assertThat(List.of(
                        jpegReady.path("width").asInt(),
                        jpegReady.path("height").asInt()))
                .containsExactly(200, 300);
        BufferedImage upright = thumbnail(ann, jpegId, 150);
        assertThat(upright).satisfies(size(100, 150));
        assertThat((upright.getRGB(50, 10) >> 16) & 0xff)
                .as("red, the left of the stored image, on top")
                .isGreaterThan(200);

        JsonNode video = gateway.awaitReady(ann, mp4Id);
        assertThat(video.path("durationMs").asLong()).isBetween(4_900L, 5_100L);
        assertThat(List.of(video.path("width").asInt(), video.path("height").asInt()))
                .containsExactly(320, 240);
        assertThat(thumbnail(ann, mp4Id, 150)).satisfies(size(150, 113));
    }

    /** A post shows its media's ids, and whoever reads the post can read the media. */
    @Test
    void aPostWithMediaShowsItsIdsAndItsReadersSeeTheMedia() throws Exception {
        byte[] png = image("png", 200, 100, 41);
        String id = gateway.upload(ann, "image/png", png);
        gateway.awaitReady(ann, id);

        JsonNode post = gateway.expect(
                201,
                "POST",
                "/api/v1/posts",
                ann.accessToken(),
                java.util.Map.of("text", "look", "mediaIds", List.of(id)));
        assertThat(post.path("mediaIds").toString()).isEqualTo("[\"" + id + "\"]");
        JsonNode read =
                gateway.expect(200, "GET", "/api/v1/posts/" + post.path("id").asText(), ben.accessToken(), null);
        assertThat(read.path("mediaIds").toString()).isEqualTo("[\"" + id + "\"]");

        org.awaitility.Awaitility.await("ben may read the post's media")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() ->
                        gateway.get("/api/v1/media/" + id, ben.accessToken()).status() == 200);
        assertThat(sha256(download(ben, id, null).body())).isEqualTo(sha256(png));
        assertThat(thumbnail(ben, id, 150)).satisfies(size(150, 75));

        // Someone else's media cannot be attached.
        String bens = gateway.upload(ben, "image/png", image("png", 32, 32, 42));
        gateway.awaitReady(ben, bens);
        assertThat(gateway.call(
                                "POST",
                                "/api/v1/posts",
                                ann.accessToken(),
                                java.util.Map.of("text", "mine?", "mediaIds", List.of(bens)))
                        .violatedFields())
                .containsExactly("mediaIds[0]");
    }

    /**
     * The memory proof: a 100 MiB video goes up through the gateway into a media-service
     * whose whole heap is smaller than the file (the POM caps it at 64 MiB, in a container with the
     * stack's memory limit) and comes back byte-identical; the instance was neither OOM-killed nor
     * restarted. Holding the file, or much of it, would have ended the JVM (ExitOnOutOfMemoryError).
     */
    @Test
    void a100MibVideoStreamsThroughAMediaServiceWhoseHeapIsSmallerThanTheFile() throws Exception {
        ServiceInstance media = stack.instances("media-service").getFirst();
        long maxHeap = heapMax(stack.metricsEndpoints().get("media-service").getFirst());
        assertThat(maxHeap).as("media-service's heap limit").isLessThan(100L * 1024 * 1024);
        byte[] video = new byte[100 * 1024 * 1024];
        new Random(51).nextBytes(video);
        byte[] ftyp = {0, 0, 0, 0x18, 'f', 't', 'y', 'p', 'i', 's', 'o', 'm', 0, 0, 2, 0};
        System.arraycopy(ftyp, 0, video, 0, ftyp.length);
        String sha256 = sha256(video);

        // Undeclared, so that the bytes go through media-service (Upload's stream), the path whose
        // memory this proves; a declared SHA-256 would send them past it, to the store.
        HttpResponse<String> created = upload(ann, "video/mp4", video, null);

        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = GatewayApi.JSON.readTree(created.body()).path("id").asText();
        video = null; // the test's own copy goes before the download
        HttpResponse<java.io.InputStream> body = HTTP.send(
                HttpRequest.newBuilder(gateway.uri().resolve("/api/v1/media/" + id + "/content"))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + ann.accessToken())
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(body.statusCode()).isEqualTo(200);
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (var in = new java.security.DigestInputStream(body.body(), digest)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(sha256);
        assertThat(stack.state(media)).isEqualTo(new NovaStack.ContainerState(true, false, 0));
    }

    /** The JVM's heap limit as its metrics show it: jvm_memory_max_bytes of the heap's pools, summed. */
    private static long heapMax(java.net.URI metrics) throws Exception {
        String text = HTTP.send(
                        HttpRequest.newBuilder(metrics)
                                .header("Accept", "text/plain")
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        return (long) text.lines()
                .filter(line -> line.startsWith("jvm_memory_max_bytes{") && line.contains("area=\"heap\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** The thumbnail as an app shows it: image/webp, decoded. */
    private static BufferedImage thumbnail(Account account, String id, int size) throws Exception {
        HttpResponse<byte[]> response = HTTP.send(
                HttpRequest.newBuilder(gateway.uri().resolve("/api/v1/media/" + id + "/thumbnail?size=" + size))
                        .timeout(TIMEOUT)
                        .header("Authorization", "Bearer " + account.accessToken())
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode())
                .as(new String(response.body(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("image/webp");
        BufferedImage image = ImageIO.read(new java.io.ByteArrayInputStream(response.body()));
        assertThat(image).as("a decodable WebP").isNotNull();
        return image;
    }

    private static java.util.function.Consumer<BufferedImage> size(int width, int height) {
        return image -> assertThat(List.of(image.getWidth(), image.getHeight())).containsExactly(width, height);
    }

    /** A {@code seconds} long 320x240 MP4 (H.264 test pattern), made by Debian's ffmpeg in a container. */
    private static byte[] testPattern(int seconds) throws Exception {
        ToolImages.ToolImage image = new ToolImages(
                        DockerClientFactory.instance().client(),
                        stack.settings().root())
                .ffmpeg();
        try (GenericContainer<?> ffmpeg = new GenericContainer<>(DockerImageName.parse(image.tag()))
                .withCommand(
                        "-v",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=duration=" + seconds + ":size=320x240:rate=25",
                        "-c:v",
                        "libx264",
                        "-pix_fmt",
                        "yuv420p",
                        "-movflags",
                        "+faststart",
                        "/work/clip.mp4")
                .withStartupCheckStrategy(new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))) {
            ffmpeg.start();
            return ffmpeg.copyFileFromContainer("/work/clip.mp4", java.io.InputStream::readAllBytes);
        }
    }

    private static HttpResponse<String> upload(Account account, String type, byte[] body, String sha256)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri().resolve("/api/v1/media"))
                .timeout(TIMEOUT)
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (account != null) {
            request.header("Authorization", "Bearer " + account.accessToken());
        }
        if (sha256 != null) {
            request.header("X-Content-SHA256", sha256);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** An upload on a plain socket that sends half the body, closes its side and reads the answer. */
    private static String uploadHalfThenLeave(Account account, String type, byte[] body, String sha256)
            throws Exception {
        java.net.URI uri = gateway.uri();
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            String head = "POST /api/v1/media HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAuthorization: Bearer " + account.accessToken() + "\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + body.length + "\r\n"
                    + (sha256 == null ? "" : "X-Content-SHA256: " + sha256 + "\r\n") + "\r\n";
            var out = socket.getOutputStream();
            out.write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(body, 0, body.length / 2);
            out.flush();
            socket.shutdownOutput();
            return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static HttpResponse<byte[]> download(Account account, String id, String range) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(gateway.uri().resolve("/api/v1/media/" + id + "/content"))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + account.accessToken());
        if (range != null) {
            request.header("Range", range);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** A real image of the format, noisy so that it is not tiny. */
    static byte[] image(String format, int width, int height, long seed) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt(0x1000000));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, format, out);
        return out.toByteArray();
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
