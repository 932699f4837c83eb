package social.nova.streaming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import io.helidon.common.parameters.Parameters;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * The media server's callbacks (nginx-rtmp's {@code on_publish}, {@code on_update} and
 * {@code on_publish_done}): form posts to {@code /media-server/<secret>/publish|update|publish-done}
 * with {@code name} (the stream id, the last path segment of the publish URL) and {@code key} (the
 * publish URL's {@code ?key=} argument). The shared secret in the path authenticates the media
 * server (nginx-rtmp cannot add headers); any other is 403. A 2xx lets the publisher go on, a 403
 * refuses or disconnects it. The reason of a refusal stays in the log: the body says nothing.
 */
final class MediaServerCallbacks implements HttpService {
    private static final System.Logger LOG = System.getLogger(MediaServerCallbacks.class.getName());
    static final String PATH = "/media-server";

    private final Streams streams;
    private final byte[] secret;

    MediaServerCallbacks(Streams streams, String secret) {
        this.streams = streams;
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/{secret}/publish", (request, response) -> {
            if (authentic(request, response)) {
                Parameters form = form(request);
                answer(
                        response,
                        streams.publish(
                                form.first("name").orElse(null),
                                form.first("key").orElse(null)));
            }
        });
        rules.post("/{secret}/update", (request, response) -> {
            if (authentic(request, response)) {
                Parameters form = form(request);
                answer(
                        response,
                        streams.update(
                                form.first("name").orElse(null),
                                form.first("key").orElse(null)));
            }
        });
        rules.post("/{secret}/publish-done", (request, response) -> {
            if (authentic(request, response)) {
                Parameters form = form(request);
                streams.publishDone(
                        form.first("name").orElse(null), form.first("key").orElse(null));
                response.status(Status.NO_CONTENT_204).send();
            }
        });
    }

    private boolean authentic(ServerRequest request, ServerResponse response) {
        byte[] presented = request.path().pathParameters().get("secret").getBytes(StandardCharsets.UTF_8);
        if (MessageDigest.isEqual(presented, secret)) {
            return true;
        }
        LOG.log(
                System.Logger.Level.WARNING,
                "A media-server callback with a wrong secret from "
                        + request.remotePeer().host() + " was refused");
        response.status(Status.FORBIDDEN_403).send();
        return false;
    }

    private static Parameters form(ServerRequest request) {
        return request.content().hasEntity() ? request.content().as(Parameters.class) : Parameters.empty("form");
    }

    private static void answer(ServerResponse response, boolean allowed) {
        response.status(allowed ? Status.NO_CONTENT_204 : Status.FORBIDDEN_403).send();
    }
}
