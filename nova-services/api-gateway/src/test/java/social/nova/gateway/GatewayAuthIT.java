package social.nova.gateway;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.CompleteOidcSignInResponse;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.LogoutResponse;
import social.nova.contracts.auth.v1.RefreshResponse;
import social.nova.contracts.auth.v1.RegisterResponse;
import social.nova.contracts.auth.v1.StartOidcSignInResponse;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Accounts and tokens through the gateway, in front of an auth-service stub: each route sends
 * auth-service the request it documents and writes its answer, or its refusal with the status
 * details and the HTTP field names, as the API promises.
 */
class GatewayAuthIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void registerThenLoginThenRefreshThenLogout() {
        String email = "flow-" + UUID.randomUUID() + "@example.com";
        String userId = UUID.randomUUID().toString();
        String refresh1 = "refresh-" + UUID.randomUUID();
        String refresh2 = "refresh-" + UUID.randomUUID();
        String access = fixture.auth.accessToken(userId);
        var auth = fixture.auth.stub().stubs();
        auth.stub(AuthServiceGrpc.getRegisterMethod())
                .whenField("email", email)
                .whenField("username", "flow_user")
                .whenField("display_name", "Flow User")
                .willReturn(RegisterResponse.newBuilder().setUserId(userId).build());
        auth.stub(AuthServiceGrpc.getLoginMethod())
                .whenField("email", email)
                .whenField("password", "correct horse battery")
                .willReturn(LoginResponse.newBuilder()
                        .setUserId(userId)
                        .setTokens(tokens(access, refresh1))
                        .build());
        auth.stub(AuthServiceGrpc.getRefreshMethod())
                .whenField("refresh_token", refresh1)
                .willReturn(RefreshResponse.newBuilder()
                        .setTokens(tokens(access, refresh2))
                        .build());
        auth.stub(AuthServiceGrpc.getLogoutMethod())
                .whenField("refresh_token", refresh2)
                .willReturn(LogoutResponse.getDefaultInstance());

        var registered = client.post(
                "/api/v1/auth/register",
                Map.of(
                        "email",
                        email,
                        "password",
                        "correct horse battery",
                        "username",
                        "flow_user",
                        "displayName",
                        "Flow User"),
                null);
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.json().path("userId").asText()).isEqualTo(userId);

        var login =
                client.post("/api/v1/auth/login", Map.of("email", email, "password", "correct horse battery"), null);
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.json().path("tokenType").asText()).isEqualTo("Bearer");
        assertThat(login.json().path("expiresIn").asLong()).isEqualTo(900);
        assertThat(login.json().path("accessToken").asText()).isEqualTo(access);
        assertThat(login.json().path("refreshToken").asText()).isEqualTo(refresh1);

        var refreshed = client.post("/api/v1/auth/refresh", Map.of("refreshToken", refresh1), null);
        assertThat(refreshed.status()).isEqualTo(200);
        assertThat(refreshed.json().path("refreshToken").asText()).isEqualTo(refresh2);

        var logout = client.post("/api/v1/auth/logout", Map.of("refreshToken", refresh2), access);
        assertThat(logout.status()).isEqualTo(204);
        assertThat(logout.raw().body()).isEmpty();
        assertThat(auth.calls(AuthServiceGrpc.getLogoutMethod()))
                .singleElement()
                .satisfies(call -> assertThat(call.metadata())
                        .as("logout carries the caller's token")
                        .containsEntry("authorization", "Bearer " + access));
    }

    @Test
    void logoutNeedsAnAccessToken() {
        var answer = client.post("/api/v1/auth/logout", Map.of("refreshToken", "x"), null);
        assertThat(answer.status()).isEqualTo(401);
        assertThat(fixture.auth.stub().stubs().calls(AuthServiceGrpc.getLogoutMethod()))
                .noneSatisfy(
                        call -> assertThat(call.request().getRefreshToken()).isEqualTo("x"));
    }

    @Test
    void servicesRefusalsKeepTheirStatusDetailsAndHttpFieldNames() {
        String email = "taken-" + UUID.randomUUID() + "@example.com";
        var auth = fixture.auth.stub().stubs();
        auth.stub(AuthServiceGrpc.getRegisterMethod())
                .whenField("email", email)
                .willFail(NovaException.builder(ErrorCode.ALREADY_EXISTS, "email is already registered")
                        .reason("EMAIL_TAKEN")
                        .domain("auth.nova.social")
                        .build());
        auth.stub(AuthServiceGrpc.getRegisterMethod())
                .whenField("email", "not-an-email")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("email", "must be an email address"),
                        FieldViolation.of("password", "must be 8..128 characters"),
                        FieldViolation.of("username", "must be 3..30 of a-z, 0-9 and _"),
                        FieldViolation.of("display_name", "must be 1..50 characters")));
        auth.stub(AuthServiceGrpc.getLoginMethod())
                .whenField("email", email)
                .whenField("password", "wrong!")
                .willFail(NovaException.builder(ErrorCode.UNAUTHENTICATED, "email or password is wrong")
                        .reason("INVALID_CREDENTIALS")
                        .domain("auth.nova.social")
                        .build());

        var taken = client.post(
                "/api/v1/auth/register",
                Map.of(
                        "email",
                        email,
                        "password",
                        "correct horse battery",
                        "username",
                        "someone_else",
                        "displayName",
                        "Someone"),
                null);
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.errorCode()).isEqualTo("ALREADY_EXISTS");
        assertThat(taken.json().path("error").path("details").findValuesAsText("reason"))
                .contains("EMAIL_TAKEN");

        var invalid = client.post(
                "/api/v1/auth/register",
                Map.of("email", "not-an-email", "password", "short", "username", "No Spaces!"),
                null);
        assertThat(invalid.status()).isEqualTo(400);
        assertThat(invalid.json().path("error").path("details").findValuesAsText("field"))
                .as("the service's proto field names become the API's JSON names")
                .containsExactlyInAnyOrder("email", "password", "username", "displayName");

        var wrongPassword = client.post("/api/v1/auth/login", Map.of("email", email, "password", "wrong!"), null);
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(wrongPassword.json().path("error").path("details").findValuesAsText("reason"))
                .contains("INVALID_CREDENTIALS");
    }

    @Test
    void anOidcStartRedirectsToTheProviderAndItsCallbackAnswersTheTokenPair() {
        String redirect = "http://localhost:8000/api/v1/auth/oidc/keycloak/callback";
        String providerUrl =
                "http://localhost:8180/realms/nova/protocol/openid-connect/auth?state=s-" + UUID.randomUUID();
        String state = "state-" + UUID.randomUUID();
        String userId = UUID.randomUUID().toString();
        var auth = fixture.auth.stub().stubs();
        auth.stub(AuthServiceGrpc.getStartOidcSignInMethod())
                .whenField("provider", "keycloak")
                .whenField("redirect_uri", redirect)
                .willReturn(StartOidcSignInResponse.newBuilder()
                        .setAuthorizationUrl(providerUrl)
                        .build());
        auth.stub(AuthServiceGrpc.getCompleteOidcSignInMethod())
                .whenField("state", state)
                .whenField("code", "the-code")
                .willReturn(CompleteOidcSignInResponse.newBuilder()
                        .setUserId(userId)
                        .setTokens(tokens("access-" + userId, "refresh-" + userId))
                        .build());

        var started = client.get(
                "/api/v1/auth/oidc/keycloak/start?redirectUri="
                        + java.net.URLEncoder.encode(redirect, java.nio.charset.StandardCharsets.UTF_8),
                null);
        assertThat(started.status()).isEqualTo(302);
        assertThat(started.header("Location")).isEqualTo(providerUrl);
        assertThat(started.header("Cache-Control")).isEqualTo("no-store");

        var signedIn = client.get("/api/v1/auth/oidc/keycloak/callback?code=the-code&state=" + state, null);
        assertThat(signedIn.status()).isEqualTo(200);
        assertThat(signedIn.json().path("accessToken").asText()).isEqualTo("access-" + userId);
        assertThat(signedIn.json().path("refreshToken").asText()).isEqualTo("refresh-" + userId);
        assertThat(signedIn.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void anOidcRouteWithoutItsQueryIsA400NamingTheParameterBeforeAuthServiceIsCalled() {
        var noRedirect = client.get("/api/v1/auth/oidc/keycloak/start", null);
        assertThat(noRedirect.status()).isEqualTo(400);
        assertThat(noRedirect.json().at("/error/details").toString()).contains("\"field\":\"redirectUri\"");
        var noState = client.get("/api/v1/auth/oidc/keycloak/callback?code=x", null);
        assertThat(noState.json().at("/error/details").toString()).contains("\"field\":\"state\"");
        var noCode = client.get("/api/v1/auth/oidc/keycloak/callback?state=x", null);
        assertThat(noCode.status()).isEqualTo(400);
        assertThat(noCode.json().at("/error/details").toString()).contains("\"field\":\"code\"");
        assertThat(fixture.auth.stub().stubs().calls(AuthServiceGrpc.getStartOidcSignInMethod()))
                .filteredOn(call -> call.request().getRedirectUri().isEmpty())
                .isEmpty();
        assertThat(fixture.auth.stub().stubs().calls(AuthServiceGrpc.getCompleteOidcSignInMethod()))
                .filteredOn(call -> call.request().getState().equals("x")
                        || call.request().getCode().equals("x"))
                .isEmpty();
    }

    private static TokenPair tokens(String access, String refresh) {
        return TokenPair.newBuilder()
                .setAccessToken(access)
                .setRefreshToken(refresh)
                .setExpiresInSeconds(900)
                .setTokenType("Bearer")
                .build();
    }
}
