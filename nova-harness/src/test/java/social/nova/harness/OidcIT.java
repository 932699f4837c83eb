package social.nova.harness;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.GatewayApi.Answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Sign-in with OpenID Connect through the gateway, end to end against the stack's real provider
 * (Keycloak, its realm imported at start: users ada and grace with verified emails, mallory with an
 * unverified one). A browser ({@link OidcBrowser}) goes to the gateway's start URL, is sent to the
 * provider's login page, fills it in, and is sent back to the gateway's callback, which answers
 * Nova's tokens.
 *
 * <p>The realm's users are fixed, so each test uses its own user and the tests assume a fresh
 * stack (as every {@code ./nova test} starts). The ID token checks (forged signature, another
 * audience or issuer, a wrong nonce, expiry) are auth-service's OidcProviderTest: a real provider
 * signs only good tokens.
 */
@ExtendWith(NovaStackExtension.class)
@Order(1)
class OidcIT {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
    private static final String PROVIDER = "keycloak";
    private static final String PASSWORD = "correct horse battery staple";

    private static NovaStack stack;
    private static GatewayApi gateway;
    private static URI callback;

    @BeforeAll
    static void gateway(NovaStack novaStack) {
        stack = novaStack;
        gateway = GatewayApi.of(stack, REQUEST_TIMEOUT);
        callback = stack.oidcRedirectUri();
    }

    /** Journeys 4 and 5 of issue 16: a new identity gets tokens and a profile; again, the same account. */
    @Test
    void aNewIdentityGetsNovaTokensAndAProfileAndSigningInAgainGivesTheSameAccount() throws Exception {
        URI back = new OidcBrowser().signIn(start(callback), "ada", "ada-password-1");
        assertThat(back.toString()).startsWith(callback + "?");

        JsonNode tokens = complete(back, 200).body();
        assertThat(tokens.path("tokenType").asText()).isEqualTo("Bearer");
        // The provider marks ada's email verified, so the profile shows it (EmailVerified follows
        // UserRegistered through the same stream).
        JsonNode profile = await("ada's profile, email verified")
                .atMost(GatewayApi.PROFILE_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(
                        () -> gateway.get(
                                "/api/v1/users/me", tokens.path("accessToken").asText()),
                        answer -> answer.status() == 200
                                && answer.body().path("emailVerified").asBoolean())
                .body();
        assertThat(profile.path("username").asText()).startsWith("ada");
        assertThat(profile.path("displayName").asText()).isEqualTo("Ada Lovelace");

        // A new browser (no session at the provider): the same identity, the same account.
        JsonNode again = complete(new OidcBrowser().signIn(start(callback), "ada", "ada-password-1"), 200)
                .body();
        assertThat(profile(again.path("accessToken").asText()).path("id").asText())
                .isEqualTo(profile.path("id").asText());

        // The redirect back, replayed: its state is used up.
        Answer replayed = complete(back, 400);
        assertThat(replayed.reason()).isEqualTo("OIDC_STATE_INVALID");
    }

    @Test
    void aReplayedCodeIsRefusedByTheProviderEvenWithAFreshState() throws Exception {
        URI back = new OidcBrowser().signIn(start(callback), "ada", "ada-password-1");
        complete(back, 200);
        String usedCode = query(back, "code");

        // A fresh sign-in's state, with the used code: the provider refuses the code.
        OidcBrowser browser = new OidcBrowser();
        URI providerPage = browser.get(start(callback)).location();
        String freshState = query(providerPage, "state");
        Answer answer = gateway.get(callbackPath(usedCode, freshState), null);
        assertThat(answer.status()).as("%s", answer).isEqualTo(401);
        assertThat(answer.reason()).isEqualTo("OIDC_CODE_REJECTED");
    }

    @Test
    void anIdentityWithTheVerifiedEmailOfAnAccountLinksToIt() throws Exception {
        String email = "grace@oidc.nova.test";
        String username = "grace_" + UUID.randomUUID().toString().substring(0, 8);
        gateway.expect(
                201,
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of("email", email, "password", PASSWORD, "username", username, "displayName", "Grace"));
        String accountId = profile(login(email)).path("id").asText();

        JsonNode tokens = complete(new OidcBrowser().signIn(start(callback), "grace", "grace-password-1"), 200)
                .body();

        JsonNode profile = profile(tokens.path("accessToken").asText());
        assertThat(profile.path("id").asText()).isEqualTo(accountId);
        assertThat(profile.path("username").asText()).isEqualTo(username);
        assertThat(login(email)).as("the password still signs in").isNotBlank();
    }

    @Test
    void anUnverifiedEmailNeverLinksAndCreatesNoAccount() throws Exception {
        String email = "mallory@oidc.nova.test";
        gateway.expect(
                201,
                "POST",
                "/api/v1/auth/register",
                null,
                Map.of(
                        "email",
                        email,
                        "password",
                        PASSWORD,
                        "username",
                        "mallory_" + UUID.randomUUID().toString().substring(0, 8),
                        "displayName",
                        "The real owner"));

        for (int attempt = 1; attempt <= 2; attempt++) {
            // Twice: had the first attempt made an account for the identity, the second would sign in.
            Answer refused = complete(new OidcBrowser().signIn(start(callback), "mallory", "mallory-password-1"), 409);
            assertThat(refused.reason()).isEqualTo("OIDC_EMAIL_NOT_VERIFIED");
            assertThat(refused.error().path("message").asText()).contains("does not say the address is verified");
        }
    }

    @Test
    void badInputGetsAPreciseAnswerAndStartsNothing() throws Exception {
        Answer unknown = gateway.get(startPath("facebook", callback), null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.reason()).isEqualTo("OIDC_PROVIDER_UNKNOWN");

        Answer elsewhere = gateway.get(startPath(PROVIDER, URI.create("https://evil.example.com/steal")), null);
        assertThat(elsewhere.status()).isEqualTo(400);
        assertThat(elsewhere.violatedFields()).containsExactly("redirectUri");
        Answer prefixOnly = gateway.get(startPath(PROVIDER, URI.create(callback + "/../../evil")), null);
        assertThat(prefixOnly.status()).isEqualTo(400);
        Answer missing = gateway.get("/api/v1/auth/oidc/" + PROVIDER + "/start", null);
        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.violatedFields()).containsExactly("redirectUri");

        Answer madeUp = gateway.get(callbackPath("some-code", "made-up-state"), null);
        assertThat(madeUp.status()).isEqualTo(400);
        assertThat(madeUp.reason()).isEqualTo("OIDC_STATE_INVALID");
        Answer noState = gateway.get("/api/v1/auth/oidc/" + PROVIDER + "/callback?code=x", null);
        assertThat(noState.status()).isEqualTo(400);
        assertThat(noState.violatedFields()).containsExactly("state");
    }

    @Test
    void aSignInTheUserCancelledAtTheProviderIsRefusedAndItsStateUsedUp() throws Exception {
        URI providerPage = new OidcBrowser().get(start(callback)).location();
        String state = query(providerPage, "state");

        Answer denied = gateway.get(
                "/api/v1/auth/oidc/" + PROVIDER + "/callback?error=access_denied&state=" + encode(state), null);
        assertThat(denied.status()).isEqualTo(401);
        assertThat(denied.reason()).isEqualTo("OIDC_SIGN_IN_DENIED");
        Answer again = gateway.get(callbackPath("x", state), null);
        assertThat(again.reason()).isEqualTo("OIDC_STATE_INVALID");
    }

    private static URI start(URI redirectUri) {
        return stack.gatewayUri().orElseThrow().resolve(startPath(PROVIDER, redirectUri));
    }

    private static String startPath(String provider, URI redirectUri) {
        return "/api/v1/auth/oidc/" + provider + "/start?redirectUri=" + encode(redirectUri.toString());
    }

    private static String callbackPath(String code, String state) {
        return "/api/v1/auth/oidc/" + PROVIDER + "/callback?code=" + encode(code) + "&state=" + encode(state);
    }

    /** The provider's redirect back, followed to the gateway as the browser would. */
    private static Answer complete(URI back, int status) throws Exception {
        Answer answer = gateway.get(back.getRawPath() + "?" + back.getRawQuery(), null);
        assertThat(answer.status()).as("the callback: %s", answer).isEqualTo(status);
        return answer;
    }

    private static JsonNode profile(String accessToken) {
        return await("the profile")
                .atMost(GatewayApi.PROFILE_TIMEOUT)
                .pollInterval(Duration.ofMillis(200))
                .until(() -> gateway.get("/api/v1/users/me", accessToken), answer -> answer.status() == 200)
                .body();
    }

    private static String login(String email) throws Exception {
        return gateway.expect(200, "POST", "/api/v1/auth/login", null, Map.of("email", email, "password", PASSWORD))
                .path("accessToken")
                .asText();
    }

    private static String query(URI uri, String name) {
        for (String pair : uri.getRawQuery().split("&")) {
            int equals = pair.indexOf('=');
            if (equals > 0 && pair.substring(0, equals).equals(name)) {
                return java.net.URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError(name + " not in " + uri);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
