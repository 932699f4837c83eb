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
import java.util.Random;
import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.GatewayApi.Account;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 12 through the gateway, as an app uploads and shows media: raw bodies streamed up and down
 * through api-gateway and media-service into the stack's S3-compatible store (S3Proxy). What goes
 * up comes down byte-identical (SHA-256), whole or from a Range; a renamed executable is 400, one
 * byte over the image limit 413, someone else's media 404, a thumbnail not made yet 409.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class MediaIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static GatewayApi gateway;
    private static Account ann;
    private static Account ben;

    @BeforeAll
    static void accounts(NovaStack stack) throws Exception {
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

        byte[] tooBig = new byte[10 * 1024 * 1024 + 1];
        System.arraycopy(image("png", 8, 8, 1), 0, tooBig, 0, 8);
        HttpResponse<String> large = upload(ann, "image/png", tooBig, null);
        assertThat(large.statusCode()).as(large.body()).isEqualTo(413);
        assertThat(large.body()).contains("\"field\":\"Content-Length\"");
    }

    @Test
    void anotherUserCannotReadItAndThumbnailsWaitForProcessing() throws Exception {
        byte[] image = image("png", 64, 64, 7);
        String id = GatewayApi.JSON
                .readTree(upload(ann, "image/png", image, null).body())
                .path("id")
                .asText();

        gateway.get("/api/v1/media/" + id, ben.accessToken()).assertError(404, "NOT_FOUND", null);
        assertThat(download(ben, id, null).statusCode()).isEqualTo(404);
        gateway.get("/api/v1/media/" + id + "/thumbnail?size=150", ann.accessToken())
                .assertError(409, "FAILED_PRECONDITION", "MEDIA_PROCESSING");
        assertThat(gateway.get("/api/v1/media/" + id + "/thumbnail?size=151", ann.accessToken())
                        .violatedFields())
                .containsExactly("size");
        assertThat(upload(null, "image/png", image, null).statusCode()).isEqualTo(401);
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
