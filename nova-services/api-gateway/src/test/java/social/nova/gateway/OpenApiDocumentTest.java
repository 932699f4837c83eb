package social.nova.gateway;

import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document describes every route, each with its security, and all its references resolve. */
class OpenApiDocumentTest {
    private final JsonNode document = read();

    @Test
    void isAnOpenApi3Document() {
        assertThat(document.path("openapi").asText()).startsWith("3.");
        assertThat(document.path("info").path("title").asText()).isNotBlank();
    }

    @Test
    void describesEveryRouteWithItsSecurity() {
        for (ApiRoutes.Route route : ApiRoutes.ALL) {
            JsonNode operation = document.path("paths")
                    .path(route.path())
                    .path(route.method().toLowerCase(Locale.ROOT));
            assertThat(operation.isObject())
                    .as("%s %s is documented", route.method(), route.path())
                    .isTrue();
            assertThat(operation.path("operationId").asText()).isNotBlank();
            assertThat(operation.path("security").isEmpty())
                    .as("%s %s is public", route.method(), route.path())
                    .isEqualTo(route.isPublic());
        }
    }

    @Test
    void documentsNoRouteThatDoesNotExist() {
        List<String> documented = new ArrayList<>();
        document.path("paths")
                .properties()
                .forEach(path -> path.getValue()
                        .properties()
                        .forEach(operation ->
                                documented.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        assertThat(documented)
                .containsExactlyInAnyOrderElementsOf(ApiRoutes.ALL.stream()
                        .map(route -> route.method() + " " + route.path())
                        .toList());
    }

    @Test
    void everyReferenceResolves() {
        List<String> refs = new ArrayList<>();
        collectRefs(document, refs);
        assertThat(refs).isNotEmpty();
        for (String ref : refs) {
            assertThat(ref).startsWith("#/");
            assertThat(document.at(ref.substring(1)).isMissingNode())
                    .as("%s resolves", ref)
                    .isFalse();
        }
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                if (field.getKey().equals("$ref")) {
                    refs.add(field.getValue().asText());
                } else {
                    collectRefs(field.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(element -> collectRefs(element, refs));
        }
    }

    private static JsonNode read() {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(OpenApiRoute.RESOURCE)) {
            return new ObjectMapper().readTree(in);
        } catch (Exception e) {
            throw new AssertionError("cannot read " + OpenApiRoute.RESOURCE, e);
        }
    }
}
