package social.nova.auth;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.nimbusds.jose.JWSObject;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.PublicKey;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.crypto.JwtSettings;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two auth-service instances sharing one key ring (their own schema) on one movable clock: a new
 * signing key is in both instances' GetPublicKeys for reload-every + jwks-max-age + clock skew
 * before either signs with it, and the key it replaces stays published until its last tokens have
 * expired.
 */
class KeyRotationIT {
    private static final String PASSWORD = "correct horse battery";
    private static final Duration ROTATE_EVERY = Duration.ofHours(1);
    private static final Duration RELOAD_EVERY = Duration.ofMillis(200);
    private static final Duration JWKS_MAX_AGE = Duration.ofMinutes(5);
    private static final JwtSettings JWT = JwtSettings.defaults();
    private static final Duration LEAD = RELOAD_EVERY.plus(JWKS_MAX_AGE).plus(JWT.clockSkew());
    private static final MutableClock CLOCK = new MutableClock(Instant.now());
    private static final Map<String, String> OWN_RING = Map.of(
            "db.schema",
            "auth_keys",
            "db.user",
            "auth_keys",
            "db.password",
            "auth_keys_pw",
            "auth.limits.login-per-account.limit",
            "100",
            "auth.keys.rotate-every",
            ROTATE_EVERY.toString(),
            "auth.keys.reload-every",
            RELOAD_EVERY.toString(),
            "auth.keys.jwks-max-age",
            JWKS_MAX_AGE.toString());
    private static AuthFixture first;
    private static AuthFixture second;

    @BeforeAll
    static void start() {
        first = AuthFixture.start(OWN_RING, CLOCK);
        second = AuthFixture.start(OWN_RING, CLOCK);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        first.close();
        second.close();
    }

    @Test
    void aKeyIsPublishedForTheLeadTimeBeforeItSignsAndTheOldOneStaysUntilItsTokensExpired() throws Exception {
        String email = AuthFixture.uniqueEmail();
        first.client()
                .register(RegisterRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .setUsername(AuthFixture.uniqueUsername())
                        .setDisplayName("Key Watcher")
                        .build());
        String oldKid = kidOf(login(first, email));
        assertThat(kids(first)).containsExactly(oldKid);

        CLOCK.advance(ROTATE_EVERY); // a rotation is due: the next reload publishes the next key
        await().atMost(Duration.ofSeconds(10))
                .until(() -> kids(first).size() == 2 && kids(second).size() == 2);
        String newKid = kids(first).get(1);
        assertThat(kids(second)).containsExactly(oldKid, newKid);
        assertThat(kidOf(login(first, email))).isEqualTo(oldKid);
        assertThat(kidOf(login(second, email))).isEqualTo(oldKid);

        CLOCK.advance(LEAD.minusSeconds(1));
        String lastOfTheOldKey = login(second, email);
        assertThat(kidOf(lastOfTheOldKey)).isEqualTo(oldKid);
        assertThat(kidOf(login(first, email))).isEqualTo(oldKid);

        CLOCK.advance(Duration.ofSeconds(1));
        String fromFirst = login(first, email);
        assertThat(kidOf(fromFirst)).isEqualTo(newKid);
        assertThat(kidOf(login(second, email))).isEqualTo(newKid);
        assertThat(verify(second, fromFirst)).isTrue();
        assertThat(kids(first)).containsExactly(newKid, oldKid);

        CLOCK.advance(JWT.keyRetention().minusSeconds(2)); // the old key's last token is still acceptable
        assertThat(verify(first, lastOfTheOldKey)).isTrue();
        assertThat(kids(first)).contains(oldKid);
        assertThat(kids(second)).contains(oldKid);

        CLOCK.advance(Duration.ofSeconds(2));
        assertThat(kids(first)).containsExactly(newKid);
        assertThat(kids(second)).containsExactly(newKid);
        assertThat(verify(first, lastOfTheOldKey)).isFalse();
    }

    private static String login(AuthFixture auth, String email) {
        return auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build())
                .getTokens()
                .getAccessToken();
    }

    private static List<String> kids(AuthFixture auth) {
        return auth.client().getPublicKeys(GetPublicKeysRequest.getDefaultInstance()).getKeysList().stream()
                .map(PublicKey::getKid)
                .toList();
    }

    private static boolean verify(AuthFixture auth, String accessToken) {
        try {
            auth.client()
                    .verifyToken(VerifyTokenRequest.newBuilder()
                            .setAccessToken(accessToken)
                            .build());
            return true;
        } catch (StatusRuntimeException refused) {
            return false;
        }
    }

    private static String kidOf(String token) throws ParseException {
        return JWSObject.parse(token).getHeader().getKeyID();
    }
}
