package social.nova.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.helidon.config.Config;
import social.nova.redis.RateLimiterSettings;

/**
 * Sign-in with external OpenID Connect providers (config block {@code auth.oidc}). Providers are
 * configuration only: any number, each under its own name, which is the {@code {provider}} of the
 * gateway's {@code /api/v1/auth/oidc/{provider}/...} routes. No provider is configured by default.
 *
 * <pre>{@code
 * auth.oidc:
 *   redirect-uris: [https://app.nova.social/oidc/callback]   # exact match; or comma separated
 *   sign-in-ttl: PT10M
 *   providers:
 *     keycloak:
 *       issuer: https://id.example.com/realms/nova
 *       client-id: nova
 *       client-secret: ...                   # AUTH_OIDC_PROVIDERS_KEYCLOAK_CLIENT_dash_SECRET
 *       scopes: [openid, email, profile]     # the default
 *       discovery-uri: http://keycloak:8080/realms/nova/.well-known/openid-configuration   # optional
 * }</pre>
 *
 * @param providers      the providers by name
 * @param redirectUris   where providers may send the browser back: exact URIs (OAuth's security
 *                       practice: no prefixes or patterns, so an open redirect cannot be built)
 * @param signInTtl      how long a started sign-in may be completed ({@code sign-in-ttl}, 10 min)
 * @param timeout        connect and read timeout of every call to a provider ({@code timeout}, 5 s)
 * @param startPerClient sign-ins started per client address ({@code limits.start-per-client}: 30 per
 *                       10 min); each one is a stored row until it expires
 */
record OidcSettings(
        Map<String, Provider> providers,
        Set<URI> redirectUris,
        Duration signInTtl,
        Duration timeout,
        RateLimiterSettings startPerClient) {

    /**
     * One provider.
     *
     * @param name         its name in Nova's routes
     * @param issuer       its issuer identifier: ID tokens must carry exactly this {@code iss}
     * @param discoveryUri where its discovery document is read; by default {@code issuer +
     *                     /.well-known/openid-configuration}. Set when auth-service reaches the
     *                     provider at another address than browsers do (the document must still
     *                     name {@code issuer})
     * @param clientId     Nova's client id at the provider (also the ID token's audience)
     * @param clientSecret Nova's client secret at the provider
     * @param scopes       the scopes asked for; {@code openid} is always among them
     */
    record Provider(
            String name, URI issuer, URI discoveryUri, String clientId, String clientSecret, List<String> scopes) {
        @Override
        public String toString() {
            return "Provider[" + name + ", issuer=" + issuer + ", clientId=" + clientId + "]";
        }
    }

    OidcSettings {
        providers = Map.copyOf(providers);
        redirectUris = Set.copyOf(redirectUris);
        if (!signInTtl.isPositive() || !timeout.isPositive()) {
            throw new IllegalArgumentException("auth.oidc.sign-in-ttl and auth.oidc.timeout must be positive");
        }
    }

    static OidcSettings create(Config oidc) {
        Map<String, Provider> providers = new LinkedHashMap<>();
        for (Config node : oidc.get("providers").asNodeList().orElse(List.of())) {
            Provider provider = provider(node);
            providers.put(provider.name(), provider);
        }
        Set<URI> redirectUris = new LinkedHashSet<>();
        for (String uri : list(oidc.get("redirect-uris"))) {
            redirectUris.add(redirectUri(uri));
        }
        return new OidcSettings(
                providers,
                redirectUris,
                oidc.get("sign-in-ttl").as(Duration.class).orElse(Duration.ofMinutes(10)),
                oidc.get("timeout").as(Duration.class).orElse(Duration.ofSeconds(5)),
                RateLimiterSettings.of(
                        "auth-oidc-start-client",
                        oidc.get("limits.start-per-client.limit").asInt().orElse(30),
                        oidc.get("limits.start-per-client.window")
                                .as(Duration.class)
                                .orElse(Duration.ofMinutes(10))));
    }

    private static Provider provider(Config node) {
        String name = node.name();
        String key = "auth.oidc.providers." + name;
        URI issuer = absolute(key + ".issuer", required(node, "issuer", key));
        URI discovery = node.get("discovery-uri")
                .asString()
                .map(uri -> absolute(key + ".discovery-uri", uri))
                .orElseGet(() -> URI.create(stripSlash(issuer.toString()) + "/.well-known/openid-configuration"));
        List<String> scopes = new ArrayList<>(list(node.get("scopes")));
        if (scopes.isEmpty()) {
            scopes.addAll(List.of("openid", "email", "profile"));
        } else if (!scopes.contains("openid")) {
            scopes.addFirst("openid");
        }
        return new Provider(
                name,
                issuer,
                discovery,
                required(node, "client-id", key),
                required(node, "client-secret", key),
                List.copyOf(scopes));
    }

    /** A list in YAML, or one comma-separated string (how an environment variable sets a list). */
    private static List<String> list(Config node) {
        List<String> values = node.isLeaf()
                ? node.asString().map(value -> Arrays.asList(value.split(","))).orElse(List.of())
                : node.asList(String.class).orElse(List.of());
        return values.stream()
                .map(String::trim)
                .filter(value -> !value.isEmpty())
                .toList();
    }

    private static String required(Config node, String name, String key) {
        return node.get(name)
                .asString()
                .filter(value -> !value.isBlank())
                .orElseThrow(() -> new IllegalArgumentException(key + "." + name + " is required"));
    }

    private static URI absolute(String key, String value) {
        try {
            URI uri = new URI(value.trim());
            if (!uri.isAbsolute() || uri.getHost() == null || !uri.getScheme().matches("https?")) {
                throw new IllegalArgumentException(key + " must be an absolute http(s) URI: " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(key + " is not a URI: " + value, e);
        }
    }

    /**
     * An app's redirect URI: absolute, without a fragment (RFC 6749 3.1.2); a custom scheme (a
     * mobile app's {@code nova://oidc}) is allowed.
     */
    private static URI redirectUri(String value) {
        try {
            URI uri = new URI(value.trim());
            if (!uri.isAbsolute() || uri.getFragment() != null) {
                throw new IllegalArgumentException(
                        "auth.oidc.redirect-uris must hold absolute URIs without a fragment: " + value);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("auth.oidc.redirect-uris: not a URI: " + value, e);
        }
    }

    private static String stripSlash(String uri) {
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
