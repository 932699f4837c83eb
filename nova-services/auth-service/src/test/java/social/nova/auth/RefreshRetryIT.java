package social.nova.auth;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.crypto.Tokens;
import social.nova.errors.NovaException;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Refresh whose answer was lost (a gateway 504) is retried with the same refresh token: within
 * {@code auth.refresh-retry-grace} (10 s) it gets the same pair, later it revokes the session. Time
 * is moved on the service's clock, on real PostgreSQL.
 */
class RefreshRetryIT {
    private static final String PASSWORD = "correct horse battery";
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static AuthFixture auth;

    @BeforeAll
    static void start() {
        auth = AuthFixture.start(Map.of(), CLOCK);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        auth.close();
    }

    @Test
    void aRetryWithinTheGraceGetsTheSamePairAndThatPairKeepsWorking() {
        TokenPair first = login();
        TokenPair answered = refresh(first.getRefreshToken()); // this answer is "lost" on the way back

        CLOCK.advance(Duration.ofSeconds(9));
        TokenPair retried = refresh(first.getRefreshToken());

        assertThat(retried.getAccessToken()).isEqualTo(answered.getAccessToken());
        assertThat(retried.getRefreshToken()).isEqualTo(answered.getRefreshToken());
        assertThat(retried.getExpiresInSeconds()).isEqualTo(answered.getExpiresInSeconds() - 9);
        assertThat(auth.client()
                        .verifyToken(VerifyTokenRequest.newBuilder()
                                .setAccessToken(retried.getAccessToken())
                                .build())
                        .getClaims()
                        .getUserId())
                .isNotBlank();
        TokenPair next = refresh(retried.getRefreshToken());
        assertThat(next.getRefreshToken()).isNotEqualTo(retried.getRefreshToken());
        assertThat(auth.client()
                        .verifyToken(VerifyTokenRequest.newBuilder()
                                .setAccessToken(next.getAccessToken())
                                .build())
                        .getClaims()
                        .getUserId())
                .isNotBlank();
    }

    @Test
    void reuseAfterTheGraceRevokesTheWholeFamily() {
        TokenPair first = login();
        TokenPair second = refresh(first.getRefreshToken());

        CLOCK.advance(Duration.ofSeconds(11));
        NovaException reuse = failure(() -> refresh(first.getRefreshToken()));

        assertThat(reuse.reason()).contains("REFRESH_TOKEN_REUSED");
        assertThat(failure(() -> refresh(second.getRefreshToken())).reason()).contains("SESSION_REVOKED");
        assertThat(failure(() -> auth.client()
                                .verifyToken(VerifyTokenRequest.newBuilder()
                                        .setAccessToken(second.getAccessToken())
                                        .build()))
                        .reason())
                .contains("SESSION_REVOKED");
    }

    @Test
    void aRetryAfterTheNewTokenWasUsedIsReuseEvenWithinTheGrace() {
        TokenPair first = login();
        TokenPair second = refresh(first.getRefreshToken());
        TokenPair third = refresh(second.getRefreshToken());

        NovaException reuse = failure(() -> refresh(first.getRefreshToken()));

        assertThat(reuse.reason()).contains("REFRESH_TOKEN_REUSED");
        assertThat(failure(() -> refresh(third.getRefreshToken())).reason()).contains("SESSION_REVOKED");
    }

    @Test
    void concurrentRefreshesOfOneTokenAllGetTheSamePair() throws Exception {
        // Each of these reads the token live, signs a pair of its own and tries to exchange; one
        // exchange wins and the others, finding the token used, answer the winner's pair.
        for (int round = 0; round < 3; round++) {
            TokenPair first = login();
            Callable<TokenPair> exchange = () -> refresh(first.getRefreshToken());

            List<TokenPair> answers = new ArrayList<>();
            try (var threads = Executors.newFixedThreadPool(6)) {
                for (Future<TokenPair> call : threads.invokeAll(Collections.nCopies(6, exchange))) {
                    answers.add(call.get());
                }
            }

            assertThat(answers).allSatisfy(answer -> assertThat(answer).isEqualTo(answers.get(0)));
            assertThat(refresh(answers.get(0).getRefreshToken()).getAccessToken())
                    .isNotBlank();
        }
    }

    @Test
    void theAnswerKeptForARetryIsDroppedOnceTheNewTokenIsExchanged() {
        TokenPair first = login();
        TokenPair second = refresh(first.getRefreshToken());
        assertThat(replayPair(first)).isNotNull();

        refresh(second.getRefreshToken());

        assertThat(replayPair(first)).isNull();
        assertThat(replayPair(second)).isNotNull();
    }

    private static byte[] replayPair(TokenPair pair) {
        return AuthFixture.database()
                .withHandle(handle -> handle.createQuery(
                                "SELECT replay_pair FROM auth.refresh_tokens WHERE token_hash = :hash")
                        .bind("hash", Tokens.sha256(pair.getRefreshToken()))
                        .mapTo(byte[].class)
                        .one());
    }

    @Test
    void theTableHoldsNeitherTheOldNorTheNewRefreshTokenNorTheNewAccessToken() {
        TokenPair first = login();
        TokenPair second = refresh(first.getRefreshToken());

        var row = AuthFixture.database()
                .withHandle(handle -> handle.createQuery(
                                "SELECT token_hash, replaced_by, replay_pair FROM auth.refresh_tokens WHERE token_hash = :hash")
                        .bind("hash", Tokens.sha256(first.getRefreshToken()))
                        .mapToMap()
                        .one());

        assertThat(row.get("replaced_by")).isEqualTo(Tokens.sha256(second.getRefreshToken()));
        String stored = row.toString() + new String((byte[]) row.get("replay_pair"), StandardCharsets.ISO_8859_1);
        assertThat(stored)
                .doesNotContain(first.getRefreshToken())
                .doesNotContain(second.getRefreshToken())
                .doesNotContain(second.getAccessToken()
                        .substring(second.getAccessToken().lastIndexOf('.') + 1));
    }

    private TokenPair login() {
        String email = AuthFixture.uniqueEmail();
        auth.client()
                .register(RegisterRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .setUsername(AuthFixture.uniqueUsername())
                        .setDisplayName("Retrying User")
                        .build());
        return auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build())
                .getTokens();
    }

    private TokenPair refresh(String refreshToken) {
        return auth.client()
                .refresh(RefreshRequest.newBuilder()
                        .setRefreshToken(refreshToken)
                        .build())
                .getTokens();
    }

    private static NovaException failure(Runnable call) {
        try {
            call.run();
        } catch (StatusRuntimeException e) {
            return NovaException.from(e);
        }
        throw new AssertionError("expected the call to fail");
    }
}
