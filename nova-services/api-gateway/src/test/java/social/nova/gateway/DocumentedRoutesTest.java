package social.nova.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Which methods a path takes, from the gateway's own OpenAPI document. */
class DocumentedRoutesTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final DocumentedRoutes routes = DocumentedRoutes.ofOpenApiDocument(mapper);

    @Test
    void everyRouteOfTheBriefTakesItsMethod() {
        for (ApiRoutes.Route route : ApiRoutes.ALL) {
            assertThat(routes.methodsOf(route.pathWithId("0b6f7d2e-6f1c-4c38-9d8a-3f5e0c1a2b3c")))
                    .as("%s %s", route.method(), route.path())
                    .contains(route.method());
        }
    }

    @Test
    void aVariableIsOneSegmentAndTheRestMustMatchExactly() throws Exception {
        DocumentedRoutes small = DocumentedRoutes.of(mapper.readTree("""
                {"paths": {
                  "/api/v1/posts/{id}": {"get": {}, "delete": {}},
                  "/api/v1/posts/{id}/like": {"put": {}, "delete": {}},
                  "/api/v1/a.b": {"get": {}}}}"""));

        assertThat(small.methodsOf("/api/v1/posts/42")).containsExactly("DELETE", "GET");
        assertThat(small.methodsOf("/api/v1/posts/42/like")).containsExactly("DELETE", "PUT");
        assertThat(small.methodsOf("/api/v1/posts/")).isEmpty();
        assertThat(small.methodsOf("/api/v1/posts/42/likes")).isEmpty();
        assertThat(small.methodsOf("/api/v1/posts/4/2")).isEmpty();
        assertThat(small.methodsOf("/api/v1/aXb")).as("a dot is a dot").isEmpty();
        assertThat(small.methodsOf("/api/v1/nothing-here")).isEmpty();
    }
}
