package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code GET /api/openapi.json}: the OpenAPI 3 description of the HTTP API, a document kept
 * beside the code ({@code social/nova/gateway/openapi.json}) and read once. Public.
 */
final class OpenApiRoute implements HttpService {
    static final String PATH = "/api/openapi.json";
    static final String RESOURCE = "/social/nova/gateway/openapi.json";

    private final byte[] document;

    OpenApiRoute() {
        try (InputStream in = OpenApiRoute.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("missing class path resource " + RESOURCE);
            }
            this.document = in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(PATH, this::document);
    }

    private void document(ServerRequest request, ServerResponse response) {
        response.header(HeaderNames.CONTENT_TYPE, MediaTypes.APPLICATION_JSON.text());
        response.send(document);
    }
}
