package social.nova.gateway;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The media routes' own checks, before media-service is called: an upload must carry bytes and
 * declare their size, a thumbnail size is one of three. (Uploads and downloads against the real
 * media-service and object store run in nova-harness's MediaIT.)
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
}
