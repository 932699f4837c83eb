package social.nova.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The stack's OpenID Connect provider as Nova sees it: the realm the harness imports into Keycloak
 * ({@code oidc/nova-realm.json}, a resource of nova-harness) and how auth-service is pointed at it.
 * The one place that names them, so the realm file, the container, auth-service's settings, {@code
 * ./nova status} and the tests cannot drift apart ({@code OidcRealmTest} reads the file against
 * these constants).
 *
 * <p>A real provider, offline (issue 16): sign-in with OpenID Connect is tested against Keycloak's
 * own authorization code flow, login form, PKCE check and signed ID tokens, not a mock of them.
 *
 * <p>One issuer for the browser and the services: Keycloak runs with its front-end URL set to the
 * address the browser reaches it at ({@code http://<published host>:<host port>}) and with a
 * dynamic back channel, so the discovery document auth-service fetches inside the stack's network
 * ({@link #discoveryUriInNetwork()}) names that public issuer and authorization endpoint, and the
 * token endpoint and keys at {@code http://oidc:8080}, where auth-service reaches them.
 */
public final class OidcRealm {
    /** The realm file among nova-harness's resources. */
    static final String RESOURCE = "/oidc/nova-realm.json";
    /**
     * Where Keycloak reads realms to import at start ({@code start --import-realm}), in the official
     * image and in the local one alike.
     */
    static final String IMPORT_PATH = "/opt/keycloak/data/import/nova-realm.json";

    public static final String REALM = "nova";
    /** auth-service's name for the provider: the key of its settings and a segment of its routes. */
    public static final String PROVIDER = "keycloak";

    public static final String CLIENT_ID = "nova";
    /**
     * The client's secret: a development secret, known to this realm only, which runs nowhere but in
     * the stacks of {@code ./nova up} and the tests.
     */
    public static final String CLIENT_SECRET = "nova-dev-oidc-secret";
    /** Where the provider sends the browser back to: the gateway's callback route. */
    public static final String CALLBACK_PATH = "/api/v1/auth/oidc/" + PROVIDER + "/callback";

    /** The service whose containers are pointed at the provider. */
    public static final String AUTH_SERVICE = "auth-service";

    private static final String PROVIDER_PREFIX = "AUTH_OIDC_PROVIDERS_" + PROVIDER.toUpperCase(Locale.ROOT) + "_";
    /**
     * auth-service's settings, as environment variables (Helidon: {@code _} is {@code .}, {@code
     * _dash_} is {@code -}, keys in lower case): {@code auth.oidc.providers.keycloak.issuer}, the
     * public issuer, which the ID tokens carry.
     */
    public static final String ISSUER_ENV = PROVIDER_PREFIX + "ISSUER";
    /** {@code auth.oidc.providers.keycloak.discovery-uri}: the discovery document, inside the network. */
    public static final String DISCOVERY_URI_ENV = PROVIDER_PREFIX + "DISCOVERY_dash_URI";

    public static final String CLIENT_ID_ENV = PROVIDER_PREFIX + "CLIENT_dash_ID";
    public static final String CLIENT_SECRET_ENV = PROVIDER_PREFIX + "CLIENT_dash_SECRET";
    /** {@code auth.oidc.redirect-uris}: the callbacks auth-service accepts, comma-separated. */
    public static final String REDIRECT_URIS_ENV = "AUTH_OIDC_REDIRECT_dash_URIS";

    /** A user of the realm: enabled, its password permanent, nothing to do before the redirect. */
    public record User(String username, String password, String email, boolean emailVerified) {}

    /**
     * The realm's users. ada and grace have verified addresses; mallory's is not verified, so Nova
     * must not link her to an account holding that address.
     */
    public static final List<User> USERS = List.of(
            new User("ada", "ada-password-1", "ada@oidc.nova.test", true),
            new User("grace", "grace-password-1", "grace@oidc.nova.test", true),
            new User("mallory", "mallory-password-1", "mallory@oidc.nova.test", false));

    private OidcRealm() {}

    /** The realm file's text, as Keycloak imports it. */
    public static String realmJson() {
        try (InputStream in = OidcRealm.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from nova-harness's resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /** The realm file, put into the provider's container before it starts. */
    static ContainerFile importFile() {
        return new ContainerFile(IMPORT_PATH, realmJson());
    }

    /** The issuer, under the provider's public URL ({@code http://localhost:<port>}). */
    public static URI issuer(URI publicUrl) {
        return URI.create(stripSlash(publicUrl.toString()) + "/realms/" + REALM);
    }

    /** The discovery document as a container on the stack's network fetches it. */
    public static URI discoveryUriInNetwork() {
        return URI.create("http://" + PlatformContainers.OIDC + ":" + PlatformContainers.OIDC_PORT + "/realms/" + REALM
                + "/.well-known/openid-configuration");
    }

    /** The discovery document under {@code issuer}, as the browser (or a test) fetches it. */
    public static URI discoveryUri(URI issuer) {
        return URI.create(stripSlash(issuer.toString()) + "/.well-known/openid-configuration");
    }

    /**
     * The gateway's callback at each of {@code hosts} (e.g. {@code localhost} and {@code 127.0.0.1},
     * two names a developer's browser may use for the same gateway), in order, without repeats.
     */
    public static List<URI> redirectUris(List<String> hosts, int gatewayPort) {
        return hosts.stream()
                .distinct()
                .map(host -> URI.create(
                        "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + gatewayPort + CALLBACK_PATH))
                .toList();
    }

    /**
     * auth-service's settings for the provider.
     *
     * @param issuer       the public issuer ({@link #issuer})
     * @param redirectUris the callbacks it accepts (none: the stack has no gateway, and the setting
     *                     is left out)
     */
    public static Map<String, String> authServiceEnvironment(URI issuer, List<URI> redirectUris) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put(ISSUER_ENV, issuer.toString());
        env.put(DISCOVERY_URI_ENV, discoveryUriInNetwork().toString());
        env.put(CLIENT_ID_ENV, CLIENT_ID);
        env.put(CLIENT_SECRET_ENV, CLIENT_SECRET);
        if (!redirectUris.isEmpty()) {
            env.put(REDIRECT_URIS_ENV, redirectUris.stream().map(URI::toString).collect(Collectors.joining(",")));
        }
        return env;
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
