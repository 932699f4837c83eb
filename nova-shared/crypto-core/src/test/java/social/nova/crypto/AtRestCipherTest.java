package social.nova.crypto;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AtRestCipherTest {
    private static final String OLD = "old=" + key(1);
    private static final String NEW = "new=" + key(2);
    private static final String SECRET = "JBSWY3DPEHPK3PXP";

    @Test
    void roundTripsUnderTheFirstKeyAndTheStoredValueIsNotTheSecret() {
        AtRestCipher cipher = AtRestCipher.fromKeys(NEW + "," + OLD, "totp-encryption.keys");

        String stored = cipher.encrypt(SECRET, "account-1");

        assertThat(stored).startsWith("v1:new:").doesNotContain(SECRET);
        assertThat(cipher.encrypt(SECRET, "account-1"))
                .as("a fresh nonce each time")
                .isNotEqualTo(stored);
        assertThat(cipher.decrypt(stored, "account-1")).isEqualTo(SECRET);
        assertThat(AtRestCipher.isEncrypted(stored)).isTrue();
        assertThat(AtRestCipher.isEncrypted(SECRET)).isFalse();
        assertThat(cipher.isCurrent(stored)).isTrue();
    }

    @Test
    void afterRotationValuesOfTheOldKeyStillDecryptAndAreNotCurrent() {
        String storedBefore = AtRestCipher.fromKeys(OLD, "keys").encrypt(SECRET, "account-1");
        AtRestCipher rotated = AtRestCipher.fromKeys(NEW + "\n" + OLD, "keys");

        assertThat(rotated.decrypt(storedBefore, "account-1")).isEqualTo(SECRET);
        assertThat(rotated.isCurrent(storedBefore)).isFalse();
        assertThat(rotated.encrypt(SECRET, "account-1")).startsWith("v1:new:");
    }

    @Test
    void aWrongOrMissingKeyOrAnotherContextFailsClearly() {
        String stored = AtRestCipher.fromKeys(OLD, "keys").encrypt(SECRET, "account-1");

        assertThatThrownBy(() -> AtRestCipher.fromKeys("old=" + key(3), "keys").decrypt(stored, "account-1"))
                .isInstanceOf(DecryptionFailedException.class)
                .hasMessage(
                        "cannot decrypt: key 'old' does not open this value (wrong key, or the value or its context was changed)");
        assertThatThrownBy(() -> AtRestCipher.fromKeys(NEW, "keys").decrypt(stored, "account-1"))
                .isInstanceOf(DecryptionFailedException.class)
                .hasMessage("cannot decrypt: encrypted with key 'old', which is not configured (configured: new)");
        assertThatThrownBy(() -> AtRestCipher.fromKeys(OLD, "keys").decrypt(stored, "account-2"))
                .isInstanceOf(DecryptionFailedException.class)
                .hasMessageContaining("context");
        assertThatThrownBy(() -> AtRestCipher.fromKeys(OLD, "keys").decrypt(SECRET, "account-1"))
                .isInstanceOf(DecryptionFailedException.class)
                .hasMessageContaining("not an encrypted value");
    }

    @Test
    void keysComeFromConfigOrASecretFileAndBadKeysNameTheSetting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("keys");
        Files.writeString(file, "# rotated 2026-12\n" + NEW + "\n" + OLD + "\n", StandardCharsets.UTF_8);
        Config fromFile = Config.just(ConfigSources.create(Map.of("enc.keys", "file:" + file)));
        assertThat(AtRestCipher.create(fromFile.get("enc")).currentKeyId()).isEqualTo("new");
        assertThat(AtRestCipher.create(Config.just(ConfigSources.create(Map.of("enc.keys", OLD)))
                                .get("enc"))
                        .currentKeyId())
                .isEqualTo("old");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> AtRestCipher.create(Config.empty().get("enc")))
                .withMessageStartingWith("enc.keys: no encryption key configured");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AtRestCipher.fromKeys(
                        "k=" + Base64.getEncoder().encodeToString(new byte[16]), "auth.totp-encryption.keys"))
                .withMessage("auth.totp-encryption.keys: key 'k' must be 32 bytes (openssl rand -base64 32), got 16");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AtRestCipher.fromKeys("a:b=" + key(1), "keys"))
                .withMessageContaining("<id>=<base64 key>");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> AtRestCipher.fromKeys(OLD + "," + OLD, "keys"))
                .withMessageContaining("appears twice");
    }

    @Test
    void aKeyDerivedFromATokenIsNotItsLookupHashAndDependsOnThePurpose() {
        byte[] sealed = AesGcm.seal(AesGcm.deriveKey("token", "replay"), "pair".getBytes(), "row".getBytes());

        assertThat(new String(AesGcm.open(AesGcm.deriveKey("token", "replay"), sealed, "row".getBytes())))
                .isEqualTo("pair");
        assertThat(AesGcm.deriveKey("token", "replay").getEncoded())
                .isNotEqualTo(AesGcm.deriveKey("token", "other").getEncoded())
                .isNotEqualTo(java.util.HexFormat.of().parseHex(Tokens.sha256("token")));
        assertThatThrownBy(() -> AesGcm.open(AesGcm.deriveKey("other token", "replay"), sealed, "row".getBytes()))
                .isInstanceOf(DecryptionFailedException.class);
    }

    private static String key(int fill) {
        byte[] bytes = new byte[32];
        java.util.Arrays.fill(bytes, (byte) fill);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
