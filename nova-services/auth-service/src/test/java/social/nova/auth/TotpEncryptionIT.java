package social.nova.auth;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.ConfirmTotpRequest;
import social.nova.contracts.auth.v1.EnrollTotpRequest;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.crypto.AtRestCipher;
import social.nova.crypto.Totp;
import social.nova.crypto.TotpSettings;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * TOTP secrets are encrypted at rest under named keys (auth.totp-encryption.keys), on real
 * PostgreSQL: what the table holds, rows from before encryption, rotation, and a wrong key. Each
 * test has its own schema, so the rows one instance re-encrypts at start are only its own.
 */
class TotpEncryptionIT {
    private static final String PASSWORD = "correct horse battery";
    private static final String KEY_A = key(0x0a);
    private static final String KEY_B = key(0x0b);
    private static final Totp TOTP = new Totp(TotpSettings.defaults());

    private final MutableClock clock = new MutableClock(Instant.now());

    @Test
    void aSecretRoundTripsAndTheTableHoldsOnlyItsCiphertext() throws Exception {
        try (AuthFixture auth = start("auth_totp_a", "k1=" + KEY_A)) {
            String email = register(auth);
            String secret = enableTotp(auth, email);

            String stored = storedSecret("auth_totp_a", email);
            assertThat(stored).startsWith("v1:k1:").doesNotContain(secret);
            assertThat(loginWithCode(auth, email, secret)).isNotBlank();
        }
    }

    @Test
    void plainRowsFromBeforeEncryptionAndRowsOfAnOlderKeyKeepWorkingAndAreReencryptedAtStart() throws Exception {
        String underOldKey;
        String plain = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        String plainEmail;
        try (AuthFixture before = start("auth_totp_b", "old=" + KEY_A)) {
            underOldKey = register(before);
            String secret = enableTotp(before, underOldKey);
            plainEmail = register(before);
            AuthFixture.database()
                    .useHandle(handle -> handle.createUpdate(
                                    "UPDATE auth_totp_b.accounts "
                                            + "SET totp_secret = :plain, totp_enabled_at = now() WHERE lower(email) = lower(:email)")
                            .bind("plain", plain)
                            .bind("email", plainEmail)
                            .execute());
            assertThat(loginWithCode(before, plainEmail, plain))
                    .as("a plain row is read as it is")
                    .isNotBlank();

            try (AuthFixture rotated = start("auth_totp_b", "new=" + KEY_B + ",old=" + KEY_A)) {
                assertThat(storedSecret("auth_totp_b", underOldKey)).startsWith("v1:new:");
                assertThat(storedSecret("auth_totp_b", plainEmail))
                        .startsWith("v1:new:")
                        .doesNotContain(plain);
                assertThat(loginWithCode(rotated, underOldKey, secret)).isNotBlank();
                assertThat(loginWithCode(rotated, plainEmail, plain)).isNotBlank();

                // A value still under the old key (written by an instance not yet rotated) is read by its key id.
                UUID id = accountId("auth_totp_b", underOldKey);
                String oldValue = AtRestCipher.fromKeys("old=" + KEY_A, "test").encrypt(secret, id.toString());
                AuthFixture.database()
                        .useHandle(handle -> handle.createUpdate(
                                        "UPDATE auth_totp_b.accounts SET totp_secret = :value WHERE id = :id")
                                .bind("value", oldValue)
                                .bind("id", id)
                                .execute());
                assertThat(loginWithCode(rotated, underOldKey, secret)).isNotBlank();
            }
        }
    }

    @Test
    void aWrongOrMissingKeyStopsTheStartNamingTheKeyId() throws Exception {
        try (AuthFixture auth = start("auth_totp_c", "k=" + KEY_A)) {
            enableTotp(auth, register(auth));
        }

        assertThatThrownBy(() -> start("auth_totp_c", "k=" + KEY_B))
                .hasStackTraceContaining("cannot decrypt: key 'k' does not open this value");
        assertThatThrownBy(() -> start("auth_totp_c", "other=" + KEY_B))
                .hasStackTraceContaining(
                        "cannot decrypt: encrypted with key 'k', which is not configured (configured: other)");
    }

    private AuthFixture start(String schema, String keys) {
        Map<String, String> overrides = new HashMap<>(Map.of(
                "db.schema",
                schema,
                "db.user",
                schema,
                "db.password",
                schema + "_pw",
                "auth.totp-encryption.keys",
                keys));
        return AuthFixture.start(overrides, clock);
    }

    private static String register(AuthFixture auth) {
        String email = AuthFixture.uniqueEmail();
        auth.client()
                .register(RegisterRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .setUsername(AuthFixture.uniqueUsername())
                        .setDisplayName("Two Factor")
                        .build());
        return email;
    }

    /** Enrols and confirms TOTP for the account; the secret the authenticator app would hold. */
    private String enableTotp(AuthFixture auth, String email) {
        String accessToken = auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .build())
                .getTokens()
                .getAccessToken();
        var authenticated = auth.clientWithToken(accessToken);
        String secret =
                authenticated.enrollTotp(EnrollTotpRequest.getDefaultInstance()).getSecret();
        authenticated.confirmTotp(ConfirmTotpRequest.newBuilder()
                .setCode(TOTP.codeAt(secret, clock.instant()))
                .build());
        clock.advance(Duration.ofSeconds(30));
        return secret;
    }

    /** A login with the current code (each code is single-use: the clock moves on a step). */
    private String loginWithCode(AuthFixture auth, String email, String secret) {
        String token = auth.client()
                .login(LoginRequest.newBuilder()
                        .setEmail(email)
                        .setPassword(PASSWORD)
                        .setTotpCode(TOTP.codeAt(secret, clock.instant()))
                        .build())
                .getTokens()
                .getAccessToken();
        clock.advance(Duration.ofSeconds(30));
        return token;
    }

    private static String storedSecret(String schema, String email) {
        return AuthFixture.database()
                .withHandle(handle -> handle.createQuery(
                                "SELECT totp_secret FROM " + schema + ".accounts WHERE lower(email) = lower(:email)")
                        .bind("email", email)
                        .mapTo(String.class)
                        .one());
    }

    private static UUID accountId(String schema, String email) {
        return AuthFixture.database()
                .withHandle(handle -> handle.createQuery(
                                "SELECT id FROM " + schema + ".accounts WHERE lower(email) = lower(:email)")
                        .bind("email", email)
                        .mapTo(UUID.class)
                        .one());
    }

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
