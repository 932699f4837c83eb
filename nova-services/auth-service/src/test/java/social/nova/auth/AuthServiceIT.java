package social.nova.auth;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import com.nimbusds.jose.JWSObject;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.contracts.auth.v1.ConfirmTotpRequest;
import social.nova.contracts.auth.v1.EnrollTotpRequest;
import social.nova.contracts.auth.v1.EnrollTotpResponse;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.LogoutRequest;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.crypto.Totp;
import social.nova.crypto.TotpSettings;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;

/** auth-service over real gRPC, on real PostgreSQL and Redis: what a caller of each RPC sees. */
class AuthServiceIT {
    private static final String PASSWORD = "correct horse battery";
    private final AuthFixture auth = AuthFixture.shared();

    @Test
    void registeredUserLogsInAndTheAccessTokenVerifiesWithThePublishedKeys() throws Exception {
        String email = AuthFixture.uniqueEmail();
        String userId = register(email, AuthFixture.uniqueUsername());

        LoginResponse login = auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email.toUpperCase())
                        .setPassword(PASSWORD)
                        .build());
        assertThat(login.getUserId()).isEqualTo(userId);
        assertThat(login.getTokens().getTokenType()).isEqualTo("Bearer");
        assertThat(login.getTokens().getExpiresInSeconds()).isEqualTo(900);

        var claims = auth.client()
                .verifyToken(VerifyTokenRequest.newBuilder()
                        .setAccessToken(login.getTokens().getAccessToken())
                        .build())
                .getClaims();
        assertThat(claims.getUserId()).isEqualTo(userId);
        assertThat(claims.getExpiresAt().getSeconds() - claims.getIssuedAt().getSeconds())
                .isEqualTo(900);

        GetPublicKeysResponse keys = auth.client().getPublicKeys(GetPublicKeysRequest.getDefaultInstance());
        String kid =
                JWSObject.parse(login.getTokens().getAccessToken()).getHeader().getKeyID();
        assertThat(keys.getKeysList()).anySatisfy(key -> {
            assertThat(key.getKid()).isEqualTo(kid);
            assertThat(key.getAlg()).isEqualTo("ES256");
        });
        assertThat(keys.getJwksJson()).contains(kid).doesNotContain("\"d\"");
    }

    @Test
    void invalidRegistrationNamesEveryBadField() {
        NovaException error = failure(() -> auth.client()
                .register(RegisterRequest.newBuilder()
                        .setEmail("not-an-email")
                        .setPassword("short")
                        .setUsername("No Spaces!")
                        .setDisplayName(" ")
                        .build()));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.violations())
                .extracting(FieldViolation::field)
                .containsExactlyInAnyOrder("email", "password", "username", "display_name");
    }

    @Test
    void emailsAreUniqueIgnoringCaseAndUsernamesAreUnique() {
        String email = AuthFixture.uniqueEmail();
        String username = AuthFixture.uniqueUsername();
        register(email, username);

        NovaException sameEmail =
                failure(() -> auth.client().register(registration(email.toLowerCase(), AuthFixture.uniqueUsername())));
        assertThat(sameEmail.code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(sameEmail.reason()).contains("EMAIL_TAKEN");

        NovaException sameUsername =
                failure(() -> auth.client().register(registration(AuthFixture.uniqueEmail(), username)));
        assertThat(sameUsername.reason()).contains("USERNAME_TAKEN");
    }

    @Test
    void wrongPasswordAndUnknownEmailLookTheSame() {
        String email = AuthFixture.uniqueEmail();
        register(email, AuthFixture.uniqueUsername());

        NovaException wrongPassword = failure(() -> auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword("wrong password")
                        .build()));
        NovaException unknownEmail = failure(() -> auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(AuthFixture.uniqueEmail())
                        .setPassword(PASSWORD)
                        .build()));
        for (NovaException error : List.of(wrongPassword, unknownEmail)) {
            assertThat(error.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
            assertThat(error.reason()).contains("INVALID_CREDENTIALS");
            assertThat(error.getMessage()).isEqualTo(wrongPassword.getMessage());
        }
    }

    @Test
    void refreshRotatesAndReusingAnOldRefreshTokenRevokesTheSession() {
        TokenPair first = login(registerNew());
        TokenPair second = auth.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(first.getRefreshToken())
                        .build())
                .getTokens();
        assertThat(second.getRefreshToken()).isNotEqualTo(first.getRefreshToken());
        TokenPair third = auth.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(second.getRefreshToken())
                        .build())
                .getTokens();

        // Its successor was used, so this is no retry of a lost answer (RefreshRetryIT): reuse.
        NovaException reuse = failure(() -> auth.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(first.getRefreshToken())
                        .build()));
        assertThat(reuse.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(reuse.reason()).contains("REFRESH_TOKEN_REUSED");

        // The whole family is dead: the newest refresh token and the access tokens too.
        NovaException latest = failure(() -> auth.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(third.getRefreshToken())
                        .build()));
        assertThat(latest.reason()).contains("SESSION_REVOKED");
        NovaException access = failure(() -> auth.client()
                .verifyToken(VerifyTokenRequest.newBuilder()
                        .setAccessToken(third.getAccessToken())
                        .build()));
        assertThat(access.reason()).contains("SESSION_REVOKED");
    }

    @Test
    void logoutEndsTheSessionAndIsSafeToRepeat() {
        TokenPair tokens = login(registerNew());
        LogoutRequest logout = LogoutRequest.newBuilder()
                .setRefreshToken(tokens.getRefreshToken())
                .build();
        auth.client().logout(logout);
        auth.client().logout(logout);

        assertThat(failure(() -> auth.client()
                                .refresh(RefreshRequest.newBuilder()
                                        .setRefreshToken(tokens.getRefreshToken())
                                        .build()))
                        .reason())
                .contains("SESSION_REVOKED");
        assertThat(failure(() -> auth.clientWithToken(tokens.getAccessToken())
                                .enrollTotp(EnrollTotpRequest.getDefaultInstance()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void unknownRefreshTokenIsRefused() {
        NovaException error = failure(() -> auth.client()
                .refresh(RefreshRequest.newBuilder().setRefreshToken("made-up").build()));
        assertThat(error.reason()).contains("REFRESH_TOKEN_INVALID");
        assertThat(failure(() -> auth.client().refresh(RefreshRequest.getDefaultInstance()))
                        .violations())
                .extracting(FieldViolation::field)
                .containsExactly("refresh_token");
    }

    @Test
    void twoFactorLoginNeedsAFreshCode() {
        String email = AuthFixture.uniqueEmail();
        register(email, AuthFixture.uniqueUsername());
        TokenPair tokens = login(email);
        var authenticated = auth.clientWithToken(tokens.getAccessToken());

        EnrollTotpResponse enrollment = authenticated.enrollTotp(EnrollTotpRequest.getDefaultInstance());
        assertThat(enrollment.getOtpauthUri())
                .startsWith("otpauth://totp/")
                .contains("secret=" + enrollment.getSecret());
        Totp totp = new Totp(TotpSettings.defaults());
        Instant now = Instant.now();
        authenticated.confirmTotp(ConfirmTotpRequest.newBuilder()
                .setCode(totp.codeAt(enrollment.getSecret(), now.minusSeconds(30)))
                .build());

        NovaException noCode = failure(() -> auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build()));
        assertThat(noCode.reason()).contains("TOTP_REQUIRED");

        String code = totp.codeAt(enrollment.getSecret(), now);
        LoginRequest withCode = LoginRequest.newBuilder()
                .setEmail(email)
                .setPassword(PASSWORD)
                .setTotpCode(code)
                .build();
        assertThat(auth.client().login(withCode).getTokens().getAccessToken()).isNotBlank();
        NovaException replay = failure(() -> auth.client().login(withCode));
        assertThat(replay.reason()).contains("TOTP_INVALID");
    }

    @Test
    void totpNeedsAnAuthenticatedCaller() {
        assertThat(failure(() -> auth.client().enrollTotp(EnrollTotpRequest.getDefaultInstance()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(failure(() -> auth.clientWithToken("not-a-jwt").enrollTotp(EnrollTotpRequest.getDefaultInstance()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void bruteForceOnOneAccountIsRateLimited() {
        String email = AuthFixture.uniqueEmail();
        register(email, AuthFixture.uniqueUsername());
        LoginRequest wrong =
                LoginRequest.newBuilder().setEmail(email).setPassword("guess").build();
        for (int attempt = 1; attempt <= 5; attempt++) {
            assertThat(failure(() -> auth.client().login(wrong)).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        }
        NovaException limited = failure(() -> auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build()));
        assertThat(limited.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(limited.retryAfter())
                .hasValueSatisfying(wait -> assertThat(wait).isPositive());
    }

    @Test
    void oneClientAddressIsRateLimitedAcrossAccounts() {
        var sameClient = auth.clientFrom("203.0.113.77");
        for (int attempt = 1; attempt <= 20; attempt++) {
            LoginRequest guess = LoginRequest.newBuilder()
                    .setEmail(AuthFixture.uniqueEmail())
                    .setPassword("guess")
                    .build();
            assertThat(failure(() -> sameClient.login(guess)).code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
        }
        LoginRequest next = LoginRequest.newBuilder()
                .setEmail(AuthFixture.uniqueEmail())
                .setPassword("guess")
                .build();
        assertThat(failure(() -> sameClient.login(next)).code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
    }

    @Test
    void registrationEmitsUserRegisteredThroughTheOutboxWithoutTheEmail() {
        String username = AuthFixture.uniqueUsername();
        String email = AuthFixture.uniqueEmail();
        String userId = register(email, username);
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                var entries = redis.xrange("nova.events.user", (StreamEntryID) null, (StreamEntryID) null);
                assertThat(entries).anySatisfy(entry -> {
                    assertThat(entry.getFields().toString())
                            .contains(userId)
                            .contains("UserRegistered")
                            .contains(username);
                    assertThat(entry.getFields().toString())
                            .doesNotContainIgnoringCase(email)
                            .doesNotContain("\"email\"");
                });
            });
        }
    }

    @Test
    void readinessAndMetricsAreServedOnTheSamePort() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + auth.service.port());
        HttpResponse<String> ready = http.send(
                HttpRequest.newBuilder(base.resolve("/observe/health/ready")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).isEqualTo(200);

        failure(() -> auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(AuthFixture.uniqueEmail())
                        .setPassword("x")
                        .build()));
        HttpResponse<String> metrics = http.send(
                HttpRequest.newBuilder(base.resolve("/observe/metrics"))
                        .header("Accept", "text/plain")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body())
                .containsPattern(
                        "nova_grpc_server_calls_seconds_count\\{[^}]*code=\"UNAUTHENTICATED\"[^}]*method=\"nova.auth.v1.AuthService/Login\"");
    }

    private String registerNew() {
        String email = AuthFixture.uniqueEmail();
        register(email, AuthFixture.uniqueUsername());
        return email;
    }

    private String register(String email, String username) {
        return auth.client().register(registration(email, username)).getUserId();
    }

    private static RegisterRequest registration(String email, String username) {
        return RegisterRequest.newBuilder()
                .setEmail(email)
                .setPassword(PASSWORD)
                .setUsername(username)
                .setDisplayName("Test User")
                .build();
    }

    private TokenPair login(String email) {
        return auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build())
                .getTokens();
    }
}
