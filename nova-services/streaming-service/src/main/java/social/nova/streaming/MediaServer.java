package social.nova.streaming;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;

/**
 * streaming-service's word to the media server (nginx-rtmp's control module): disconnect the
 * publisher of a stream that ended. Best effort and asynchronous: if the media server cannot be
 * reached, its next periodic update about that publisher is refused, which disconnects it too
 * (within 10 s). Without a control URL only that second way is used.
 */
final class MediaServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MediaServer.class.getName());
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final URI controlUrl;
    private final HttpClient http;

    MediaServer(URI controlUrl) {
        this.controlUrl = controlUrl;
        this.http = controlUrl == null
                ? null
                : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    }

    /** Asks the media server to disconnect stream {@code id}'s publisher, if it has one. */
    void dropPublisher(UUID id) {
        if (http == null) {
            return;
        }
        URI drop = URI.create(controlUrl + "/drop/publisher?app=live&name="
                + URLEncoder.encode(id.toString(), StandardCharsets.UTF_8));
        http.sendAsync(
                        HttpRequest.newBuilder(drop).timeout(TIMEOUT).GET().build(),
                        HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, failure) -> {
                    if (failure != null) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "The media server was not told to drop the publisher of stream " + id + " (" + failure
                                        + "); its next update is refused instead");
                    } else if (response.statusCode() / 100 != 2) {
                        LOG.log(
                                System.Logger.Level.WARNING,
                                "The media server answered " + response.statusCode()
                                        + " to dropping the publisher of stream " + id);
                    }
                });
    }

    @Override
    public void close() {
        if (http != null) {
            http.close();
        }
    }
}
