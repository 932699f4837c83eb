package social.nova.crypto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.bouncycastle.util.encoders.Base32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TotpTest {
    /** RFC 6238 Appendix B seeds: the ASCII digits repeated to 20, 32 and 64 bytes. */
    private static final String SHA1_SEED = "12345678901234567890";

    private static final String SHA256_SEED = "12345678901234567890123456789012";
    private static final String SHA512_SEED = "1234567890123456789012345678901234567890123456789012345678901234";

    private final Totp totp = new Totp(TotpSettings.defaults());
    private final String secret = base32(SHA1_SEED);

    @ParameterizedTest(name = "{1} at {0} -> {2}")
    @CsvSource({
        "59,          SHA1,   94287082",
        "59,          SHA256, 46119246",
        "59,          SHA512, 90693936",
        "1111111109,  SHA1,   07081804",
        "1111111109,  SHA256, 68084774",
        "1111111109,  SHA512, 25091201",
        "1111111111,  SHA1,   14050471",
        "1111111111,  SHA256, 67062674",
        "1111111111,  SHA512, 99943326",
        "1234567890,  SHA1,   89005924",
        "1234567890,  SHA256, 91819424",
        "1234567890,  SHA512, 93441116",
        "2000000000,  SHA1,   69279037",
        "2000000000,  SHA256, 90698825",
        "2000000000,  SHA512, 38618901",
        "20000000000, SHA1,   65353130",
        "20000000000, SHA256, 77737706",
        "20000000000, SHA512, 47863826",
    })
    void matchesEveryRfc6238TestVector(long unixSeconds, TotpAlgorithm algorithm, String expected) {
        String seed = switch (algorithm) {
            case SHA1 -> SHA1_SEED;
            case SHA256 -> SHA256_SEED;
            case SHA512 -> SHA512_SEED;
        };
        Totp rfc = new Totp(TotpSettings.defaults().with(algorithm, 8));
        Instant time = Instant.ofEpochSecond(unixSeconds);

        assertThat(rfc.codeAt(base32(seed), time)).isEqualTo(expected);
        assertThat(rfc.verify(base32(seed), expected, time)).isTrue();
    }

    @Test
    void sixDigitCodesAreTheLastSixDigits() {
        // RFC 4226 Appendix D, counter 1: HOTP 287082; TOTP step 1 is t = 30..59.
        assertThat(totp.codeAt(secret, Instant.ofEpochSecond(59))).isEqualTo("287082");
    }

    @Test
    void acceptsOneStepOfDriftEitherWayAndNoMore() {
        Instant now = Instant.ofEpochSecond(1_111_111_111);
        Duration step = Duration.ofSeconds(30);

        assertThat(totp.verify(secret, totp.codeAt(secret, now.minus(step)), now))
                .isTrue();
        assertThat(totp.verify(secret, totp.codeAt(secret, now.plus(step)), now))
                .isTrue();
        assertThat(totp.verify(secret, totp.codeAt(secret, now.minus(step.multipliedBy(2))), now))
                .isFalse();
        assertThat(totp.verify(secret, totp.codeAt(secret, now.plus(step.multipliedBy(2))), now))
                .isFalse();
    }

    @Test
    void withoutDriftOnlyTheCurrentStepCounts() {
        Totp strict = new Totp(new TotpSettings("Nova", TotpAlgorithm.SHA1, 6, Duration.ofSeconds(30), 0, 20));
        Instant now = Instant.ofEpochSecond(1_111_111_111);

        assertThat(strict.verify(secret, strict.codeAt(secret, now), now)).isTrue();
        assertThat(strict.verify(secret, strict.codeAt(secret, now.minusSeconds(30)), now))
                .isFalse();
    }

    @Test
    void reportsTheMatchingStepSoACodeCannotBeReplayed() {
        Instant now = Instant.ofEpochSecond(1_111_111_111);
        long currentStep = totp.stepAt(now);

        assertThat(totp.matchingStep(secret, totp.codeAt(secret, now), now)).isEqualTo(OptionalLong.of(currentStep));
        assertThat(totp.matchingStep(secret, totp.codeAt(secret, now.minusSeconds(30)), now))
                .isEqualTo(OptionalLong.of(currentStep - 1));
        assertThat(totp.matchingStep(secret, "000000", now.plusSeconds(3600))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "12345", "1234567", "12345a", " 123456", "１２３４５６"})
    void aCodeOfTheWrongShapeIsRejected(String code) {
        assertThat(totp.verify(secret, code, Instant.now())).isFalse();
    }

    @Test
    void aNullCodeIsRejected() {
        assertThat(totp.verify(secret, null, Instant.now())).isFalse();
    }

    @Test
    void generatesTwentyRandomBytesAsUnpaddedBase32() {
        String generated = totp.generateSecret();

        assertThat(generated).matches("[A-Z2-7]{32}");
        assertThat(Totp.decodeSecret(generated)).hasSize(20);
        assertThat(totp.generateSecret()).isNotEqualTo(generated);
    }

    @Test
    void buildsTheOtpauthUriAuthenticatorAppsRead() {
        Totp nova = new Totp(new TotpSettings("Nova Social", TotpAlgorithm.SHA1, 6, Duration.ofSeconds(30), 1, 20));

        assertThat(nova.otpauthUri("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", "ada lovelace@example.org"))
                .isEqualTo("otpauth://totp/Nova%20Social:ada%20lovelace%40example.org"
                        + "?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Nova%20Social"
                        + "&algorithm=SHA1&digits=6&period=30");
    }

    @Test
    void theUriRefusesLabelsThatWouldBreakIt() {
        assertThatIllegalArgumentException().isThrownBy(() -> totp.otpauthUri(secret, "a:b"));
        assertThatIllegalArgumentException().isThrownBy(() -> totp.otpauthUri("not base32!", "ada"));
    }

    @Test
    void decodesSecretsAsUsersTypeThem() {
        byte[] expected = SHA1_SEED.getBytes(StandardCharsets.US_ASCII);

        assertThat(Totp.decodeSecret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")).isEqualTo(expected);
        assertThat(Totp.decodeSecret("gezd gnbv gy3t qojq gezd gnbv gy3t qojq")).isEqualTo(expected);
        assertThat(Totp.decodeSecret("MFRGG===")).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
        assertThat(Totp.decodeSecret("MFRGG")).isEqualTo("abc".getBytes(StandardCharsets.US_ASCII));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "GEZDGNB1", "GEZ", "A", "ÄBCDEFGH"})
    void refusesSecretsThatAreNotBase32(String bad) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Totp.decodeSecret(bad))
                .withMessageContaining("Base32");
    }

    @Test
    void settingsComeFromConfigWithDefaults() {
        Config config = Config.just(ConfigSources.create(
                Map.of("issuer", "Nova Test", "algorithm", "sha256", "digits", "8", "allowed-drift-steps", "2")));

        assertThat(TotpSettings.create(config))
                .isEqualTo(new TotpSettings("Nova Test", TotpAlgorithm.SHA256, 8, Duration.ofSeconds(30), 2, 20));
        assertThat(TotpSettings.create(Config.empty())).isEqualTo(TotpSettings.defaults());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TotpSettings.defaults().with(TotpAlgorithm.SHA1, 7))
                .withMessageContaining("digits");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> TotpSettings.create(Config.just(ConfigSources.create(Map.of("algorithm", "MD5")))))
                .withMessageContaining("algorithm");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TotpSettings("Nova", TotpAlgorithm.SHA1, 6, Duration.ofMillis(1500), 1, 20));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TotpSettings("Nova", TotpAlgorithm.SHA1, 6, Duration.ofSeconds(30), 1, 10));
    }

    private static String base32(String ascii) {
        return Base32.toBase32String(ascii.getBytes(StandardCharsets.US_ASCII));
    }
}
