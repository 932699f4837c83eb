package social.nova.harness;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A browser, as far as an OpenID Connect sign-in needs one: it keeps the provider's cookies, follows
 * redirects one at a time (so a test sees each hop), and fills in the provider's login form, read
 * with jsoup the way a browser reads it (the form's own action and hidden fields). Each instance is
 * a fresh browser: no session at the provider yet.
 *
 * <p>Like a browser, it treats {@code http://localhost} and {@code http://127.0.0.1} as a secure
 * context: Keycloak marks its cookies {@code Secure} even over http, browsers send them to loopback
 * anyway, and the JDK's {@link CookieManager} alone would not (Keycloak then answers its login form
 * with "Restart login cookie not found").
 */
final class OidcBrowser {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new LoopbackIsSecure())
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(TIMEOUT)
            .build();

    /** One answer: the status, its {@code Location} (if any) and its body. */
    record Hop(int status, URI location, String body) {}

    Hop get(URI uri) throws IOException, InterruptedException {
        return hop(uri, HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build());
    }

    /**
     * From the gateway's start URL to the provider's redirect back: the start's 302, the provider's
     * login page, the form posted with these credentials, and the provider's 302 to the redirect
     * URI, which is answered (not followed), since following it is the caller's test.
     */
    URI signIn(URI start, String username, String password) throws IOException, InterruptedException {
        Hop started = get(start);
        assertThat(started.status())
                .as("the gateway's start: %s", started.body())
                .isEqualTo(302);
        Hop page = get(started.location());
        assertThat(page.status())
                .as("the provider's login page at %s", started.location())
                .isEqualTo(200);

        Document document = Jsoup.parse(page.body(), started.location().toString());
        Element form = document.getElementById("kc-form-login");
        assertThat(form).as("a login form on %s", started.location()).isNotNull();
        Map<String, String> fields = new LinkedHashMap<>();
        for (Element input : form.select("input[name]")) {
            fields.put(input.attr("name"), input.val());
        }
        fields.put("username", username);
        fields.put("password", password);
        URI action = URI.create(form.absUrl("action"));
        Hop signedIn = hop(
                action,
                HttpRequest.newBuilder(action)
                        .timeout(TIMEOUT)
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(fields)))
                        .build());
        assertThat(signedIn.status())
                .as("the provider's answer to the login form (a 200 is the form again, with an error)")
                .isEqualTo(302);
        return signedIn.location();
    }

    private Hop hop(URI uri, HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        URI location =
                response.headers().firstValue("Location").map(uri::resolve).orElse(null);
        return new Hop(response.statusCode(), location, response.body());
    }

    private static String form(Map<String, String> fields) {
        return fields.entrySet().stream()
                .map(field -> encode(field.getKey()) + "=" + encode(field.getValue()))
                .collect(Collectors.joining("&"));
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** A browser's cookie jar, sending {@code Secure} cookies to loopback over http too. */
    private static final class LoopbackIsSecure extends CookieHandler {
        private final CookieManager jar = new CookieManager(null, CookiePolicy.ACCEPT_ALL);

        @Override
        public Map<String, List<String>> get(URI uri, Map<String, List<String>> requestHeaders) throws IOException {
            return jar.get(loopbackHttp(uri) ? asHttps(uri) : uri, requestHeaders);
        }

        @Override
        public void put(URI uri, Map<String, List<String>> responseHeaders) throws IOException {
            jar.put(uri, responseHeaders);
        }

        private static boolean loopbackHttp(URI uri) {
            return "http".equalsIgnoreCase(uri.getScheme())
                    && ("localhost".equalsIgnoreCase(uri.getHost()) || "127.0.0.1".equals(uri.getHost()));
        }

        private static URI asHttps(URI uri) throws IOException {
            try {
                return new URI(
                        "https", uri.getUserInfo(), uri.getHost(), uri.getPort(), uri.getPath(), uri.getQuery(), null);
            } catch (URISyntaxException e) {
                throw new IOException(e);
            }
        }
    }
}
