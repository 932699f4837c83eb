package social.nova.auth;

import java.net.URI;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.config.EnvironmentVariables;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OidcSettingsTest {
    @Test
    void noProviderByDefault() {
        OidcSettings settings = OidcSettings.create(config(Map.of()).get("auth.oidc"));

        assertThat(settings.providers()).isEmpty();
        assertThat(settings.redirectUris()).isEmpty();
        assertThat(settings.signInTtl()).hasMinutes(10);
    }

    /** How the harness and a deployment configure a provider: environment variables only. */
    @Test
    void providersAndRedirectUrisFromEnvironmentVariables() {
        Config config = config(EnvironmentVariables.expand(Map.of(
                "AUTH_OIDC_PROVIDERS_KEYCLOAK_ISSUER", "http://localhost:8180/realms/nova",
                "AUTH_OIDC_PROVIDERS_KEYCLOAK_DISCOVERY_dash_URI",
                        "http://oidc:8080/realms/nova/.well-known/openid-configuration",
                "AUTH_OIDC_PROVIDERS_KEYCLOAK_CLIENT_dash_ID", "nova",
                "AUTH_OIDC_PROVIDERS_KEYCLOAK_CLIENT_dash_SECRET", "s3cret",
                "AUTH_OIDC_REDIRECT_dash_URIS",
                        "http://localhost:8000/api/v1/auth/oidc/keycloak/callback, nova://oidc/callback")));

        OidcSettings settings = OidcSettings.create(config.get("auth.oidc"));

        assertThat(settings.providers()).containsOnlyKeys("keycloak");
        OidcSettings.Provider keycloak = settings.providers().get("keycloak");
        assertThat(keycloak.issuer()).isEqualTo(URI.create("http://localhost:8180/realms/nova"));
        assertThat(keycloak.discoveryUri())
                .isEqualTo(URI.create("http://oidc:8080/realms/nova/.well-known/openid-configuration"));
        assertThat(keycloak.clientId()).isEqualTo("nova");
        assertThat(keycloak.clientSecret()).isEqualTo("s3cret");
        assertThat(keycloak.scopes()).containsExactly("openid", "email", "profile");
        assertThat(keycloak.toString()).doesNotContain("s3cret");
        assertThat(settings.redirectUris())
                .containsExactlyInAnyOrder(
                        URI.create("http://localhost:8000/api/v1/auth/oidc/keycloak/callback"),
                        URI.create("nova://oidc/callback"));
    }

    @Test
    void discoveryDefaultsToTheIssuersWellKnownDocumentAndOpenidIsAlwaysAsked() {
        OidcSettings settings = OidcSettings.create(config(Map.of(
                        "auth.oidc.providers.google.issuer", "https://accounts.google.com/",
                        "auth.oidc.providers.google.client-id", "id",
                        "auth.oidc.providers.google.client-secret", "secret",
                        "auth.oidc.providers.google.scopes", "email,profile"))
                .get("auth.oidc"));

        OidcSettings.Provider google = settings.providers().get("google");
        assertThat(google.discoveryUri())
                .isEqualTo(URI.create("https://accounts.google.com/.well-known/openid-configuration"));
        assertThat(google.scopes()).containsExactly("openid", "email", "profile");
    }

    @Test
    void refusesAnIncompleteProviderAndARelativeRedirect() {
        assertThatThrownBy(() -> OidcSettings.create(config(Map.of(
                                "auth.oidc.providers.x.issuer", "https://id.example.com",
                                "auth.oidc.providers.x.client-id", "nova"))
                        .get("auth.oidc")))
                .hasMessageContaining("auth.oidc.providers.x.client-secret is required");
        assertThatThrownBy(() -> OidcSettings.create(config(Map.of(
                                "auth.oidc.providers.x.issuer", "id.example.com",
                                "auth.oidc.providers.x.client-id", "nova",
                                "auth.oidc.providers.x.client-secret", "s"))
                        .get("auth.oidc")))
                .hasMessageContaining("auth.oidc.providers.x.issuer must be an absolute http(s) URI");
        assertThatThrownBy(() -> OidcSettings.create(
                        config(Map.of("auth.oidc.redirect-uris", "/callback")).get("auth.oidc")))
                .hasMessageContaining("absolute URIs without a fragment");
    }

    private static Config config(Map<String, String> values) {
        return Config.builder()
                .sources(ConfigSources.create(values))
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .build();
    }
}
