package social.nova.harness;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** The realm file Keycloak imports says what {@link OidcRealm} says, and auth-service is pointed at it. */
class OidcRealmTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theClientIsConfidentialWithAuthorizationCodeAndS256PkceOnly() throws Exception {
        JsonNode realm = JSON.readTree(OidcRealm.realmJson());
        assertThat(realm.path("realm").asText()).isEqualTo(OidcRealm.REALM);
        assertThat(realm.path("enabled").asBoolean()).isTrue();

        JsonNode client = onlyClient(realm);
        assertThat(client.path("clientId").asText()).isEqualTo(OidcRealm.CLIENT_ID);
        assertThat(client.path("publicClient").asBoolean()).as("confidential").isFalse();
        assertThat(client.path("clientAuthenticatorType").asText()).isEqualTo("client-secret");
        assertThat(client.path("secret").asText()).isEqualTo(OidcRealm.CLIENT_SECRET);
        assertThat(client.path("standardFlowEnabled").asBoolean()).isTrue();
        assertThat(client.path("implicitFlowEnabled").asBoolean()).isFalse();
        assertThat(client.path("directAccessGrantsEnabled").asBoolean()).isFalse();
        assertThat(client.path("serviceAccountsEnabled").asBoolean()).isFalse();
        assertThat(client.path("attributes").path("pkce.code.challenge.method").asText())
                .isEqualTo("S256");
        assertThat(client.path("webOrigins")).isEmpty();
        assertThat(texts(client.path("defaultClientScopes")))
                .as("openid is implied; basic carries sub")
                .contains("basic", "profile", "email");
    }

    /**
     * Keycloak lets a client registered at {@code http://localhost/...} or {@code
     * http://127.0.0.1/...} (no port) come back on any port of that host, at exactly that path (RFC
     * 8252's loopback redirect, which Keycloak applies to every client): the gateway's port differs
     * per stack, and Nova checks its own exact list anyway.
     */
    @Test
    void theRedirectUrisAreTheGatewaysCallbackOnLoopbackAtAnyPort() throws Exception {
        assertThat(texts(onlyClient(JSON.readTree(OidcRealm.realmJson())).path("redirectUris")))
                .containsExactlyInAnyOrder(
                        "http://localhost/api/v1/auth/oidc/keycloak/callback",
                        "http://127.0.0.1/api/v1/auth/oidc/keycloak/callback");
    }

    @Test
    void theUsersAreTheOnesNamedWithPermanentPasswordsAndNothingToDoFirst() throws Exception {
        JsonNode realm = JSON.readTree(OidcRealm.realmJson());
        List<OidcRealm.User> users = new ArrayList<>();
        for (JsonNode user : realm.path("users")) {
            assertThat(user.path("enabled").asBoolean()).isTrue();
            assertThat(user.path("requiredActions")).isEmpty();
            JsonNode credentials = user.path("credentials");
            assertThat(credentials).hasSize(1);
            assertThat(credentials.get(0).path("type").asText()).isEqualTo("password");
            assertThat(credentials.get(0).path("temporary").asBoolean()).isFalse();
            users.add(new OidcRealm.User(
                    user.path("username").asText(),
                    credentials.get(0).path("value").asText(),
                    user.path("email").asText(),
                    user.path("emailVerified").asBoolean()));
        }
        assertThat(users).containsExactlyElementsOf(OidcRealm.USERS);
        assertThat(realm.path("users").get(2).has("lastName"))
                .as("mallory has no last name")
                .isFalse();
    }

    /**
     * Keycloak's default user profile requires a last name and asks for one at sign-in ("verify
     * profile"), which would stop mallory's sign-in before the redirect. The realm's profile makes it
     * optional: a provider may well not know a family name.
     */
    @Test
    void theUserProfileAsksForNoLastName() throws Exception {
        JsonNode realm = JSON.readTree(OidcRealm.realmJson());
        JsonNode profile = JSON.readTree(realm.path("components")
                .path("org.keycloak.userprofile.UserProfileProvider")
                .get(0)
                .path("config")
                .path("kc.user.profile.config")
                .get(0)
                .asText());
        for (JsonNode attribute : profile.path("attributes")) {
            assertThat(attribute.has("required"))
                    .as(attribute.path("name").asText())
                    .isEqualTo(List.of("email", "firstName")
                            .contains(attribute.path("name").asText()));
        }
    }

    @Test
    void authServiceGetsThePublicIssuerTheDiscoveryInTheNetworkTheClientAndTheCallbacks() {
        URI issuer = OidcRealm.issuer(URI.create("http://localhost:41234"));
        List<URI> callbacks = OidcRealm.redirectUris(List.of("localhost", "127.0.0.1", "localhost"), 8000);

        assertThat(issuer).hasToString("http://localhost:41234/realms/nova");
        assertThat(callbacks)
                .extracting(URI::toString)
                .containsExactly(
                        "http://localhost:8000/api/v1/auth/oidc/keycloak/callback",
                        "http://127.0.0.1:8000/api/v1/auth/oidc/keycloak/callback");
        assertThat(OidcRealm.redirectUris(List.of("::1"), 8000))
                .extracting(URI::toString)
                .containsExactly("http://[::1]:8000/api/v1/auth/oidc/keycloak/callback");
        assertThat(OidcRealm.authServiceEnvironment(issuer, callbacks))
                .containsExactly(
                        entry("AUTH_OIDC_PROVIDERS_KEYCLOAK_ISSUER", "http://localhost:41234/realms/nova"),
                        entry(
                                "AUTH_OIDC_PROVIDERS_KEYCLOAK_DISCOVERY_dash_URI",
                                "http://oidc:8080/realms/nova/.well-known/openid-configuration"),
                        entry("AUTH_OIDC_PROVIDERS_KEYCLOAK_CLIENT_dash_ID", "nova"),
                        entry("AUTH_OIDC_PROVIDERS_KEYCLOAK_CLIENT_dash_SECRET", "nova-dev-oidc-secret"),
                        entry(
                                "AUTH_OIDC_REDIRECT_dash_URIS",
                                "http://localhost:8000/api/v1/auth/oidc/keycloak/callback,"
                                        + "http://127.0.0.1:8000/api/v1/auth/oidc/keycloak/callback"));
        assertThat(OidcRealm.authServiceEnvironment(issuer, List.of()))
                .as("no gateway, no callbacks")
                .doesNotContainKey("AUTH_OIDC_REDIRECT_dash_URIS");
    }

    private static JsonNode onlyClient(JsonNode realm) {
        assertThat(realm.path("clients")).hasSize(1);
        return realm.path("clients").get(0);
    }

    private static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(node -> texts.add(node.asText()));
        return texts;
    }
}
