package social.nova.crypto;

import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PasswordHasherTest {
    /** Small costs keep the tests fast; the defaults are exercised once below. */
    private static final PasswordHashSettings FAST = new PasswordHashSettings(1024, 1, 1, 16, 32, 262_144);

    private final PasswordHasher hasher = new PasswordHasher(FAST);

    @Test
    void bouncyCastleMatchesRfc9106Argon2idTestVector() {
        // RFC 9106 section 5.3: Argon2id, m=32 KiB, t=3, p=4, with secret and associated data.
        byte[] password = filled(32, 0x01);
        byte[] salt = filled(16, 0x02);
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(32)
                .withIterations(3)
                .withParallelism(4)
                .withSalt(salt)
                .withSecret(filled(8, 0x03))
                .withAdditional(filled(12, 0x04))
                .build());
        byte[] tag = new byte[32];

        generator.generateBytes(password, tag);

        assertThat(HexFormat.of().formatHex(tag))
                .isEqualTo("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
    }

    @Test
    void verifiesAHashMadeByTheReferenceImplementation() {
        // From the phc-winner-argon2 test suite: password "password", salt "somesalt".
        String reference = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc";

        assertThat(hasher.verify("password".toCharArray(), reference)).isTrue();
        assertThat(hasher.verify("Password".toCharArray(), reference)).isFalse();
    }

    @Test
    void producesTheSameEncodingAsTheReferenceImplementation() {
        byte[] hash = PasswordHasher.compute("password".toCharArray(), "somesalt".getBytes(), 65536, 2, 1, 32);

        assertThat(new Argon2idHash(65536, 2, 1, "somesalt".getBytes(), hash).encoded())
                .isEqualTo("$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc");
    }

    @Test
    void hashesWithTheDefaultsInPhcFormat() {
        PasswordHasher defaults = new PasswordHasher(PasswordHashSettings.defaults());

        String encoded = defaults.hash("correct horse battery staple".toCharArray());

        assertThat(encoded).matches("\\$argon2id\\$v=19\\$m=19456,t=2,p=1\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}");
        assertThat(defaults.verify("correct horse battery staple".toCharArray(), encoded))
                .isTrue();
        assertThat(defaults.needsRehash(encoded)).isFalse();
    }

    @Test
    void verifiesTheRightPasswordOnly() {
        String encoded = hasher.hash("s3cret-pässwörd".toCharArray());

        assertThat(hasher.verify("s3cret-pässwörd".toCharArray(), encoded)).isTrue();
        assertThat(hasher.verify("s3cret-passwort".toCharArray(), encoded)).isFalse();
        assertThat(hasher.verify(new char[0], encoded)).isFalse();
    }

    @Test
    void usesAFreshSaltEveryTime() {
        String first = hasher.hash("same".toCharArray());
        String second = hasher.hash("same".toCharArray());

        assertThat(first).isNotEqualTo(second);
        assertThat(PasswordHasher.parse(first).salt())
                .isNotEqualTo(PasswordHasher.parse(second).salt());
    }

    @Test
    void aHashMadeWithOtherParametersNeedsRehashButStillVerifies() {
        PasswordHasher older = new PasswordHasher(new PasswordHashSettings(512, 1, 1, 16, 32, 262_144));
        String oldHash = older.hash("pw".toCharArray());

        assertThat(hasher.verify("pw".toCharArray(), oldHash)).isTrue();
        assertThat(hasher.needsRehash(oldHash)).isTrue();
        assertThat(hasher.needsRehash(hasher.hash("pw".toCharArray()))).isFalse();
        assertThat(hasher.needsRehash(new PasswordHasher(new PasswordHashSettings(1024, 2, 1, 16, 32, 262_144))
                        .hash("pw".toCharArray())))
                .isTrue();
        assertThat(hasher.needsRehash(new PasswordHasher(new PasswordHashSettings(1024, 1, 1, 16, 64, 262_144))
                        .hash("pw".toCharArray())))
                .isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "not a hash",
                "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
                "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=0,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=4,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=99999999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$C",
                "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc$extra",
            })
    void aMalformedHashIsFalseFromVerifyAndAnExceptionFromParse(String encoded) {
        assertThat(hasher.verify("password".toCharArray(), encoded)).isFalse();
        assertThat(hasher.needsRehash(encoded)).isTrue();
        assertThatIllegalArgumentException().isThrownBy(() -> PasswordHasher.parse(encoded));
    }

    @Test
    void parseSaysWhatIsWrong() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PasswordHasher.parse(
                        "$argon2id$v=16$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .withMessage("unsupported Argon2 version v=16, expected v=19");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PasswordHasher.parse(
                        "$argon2id$v=19$m=65536,t=2,p=1$c29tZQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"))
                .withMessage("salt shorter than 8 bytes");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PasswordHasher.parse(null))
                .withMessageContaining("null");
        assertThat(hasher.verify("x".toCharArray(), null)).isFalse();
    }

    @Test
    void refusesWithoutComputingAStoredHashAskingForTooMuchMemoryOrTooManyIterations() throws InterruptedException {
        PasswordHasher modest = new PasswordHasher(
                new PasswordHashSettings(1024, 1, 1, 16, 32, 2048, 4), new HashingConcurrency(1, Duration.ZERO));
        String greedy = new Argon2idHash(1 << 22, 1, 1, new byte[16], new byte[32]).encoded();
        String endless = new Argon2idHash(1024, Integer.MAX_VALUE, 1, new byte[16], new byte[32]).encoded();
        String justTooSlow = new Argon2idHash(1024, 5, 1, new byte[16], new byte[32]).encoded();
        String withinBounds = new Argon2idHash(1024, 4, 1, new byte[16], new byte[32]).encoded();
        modest.slots.acquire(); // from here on, computing any hash would answer PasswordHasherBusyException
        try {
            assertThat(modest.verify("password".toCharArray(), greedy)).isFalse();
            assertThat(modest.verify("password".toCharArray(), endless)).isFalse();
            assertThat(modest.verify("password".toCharArray(), justTooSlow)).isFalse();
            assertThatThrownBy(() -> modest.verify("password".toCharArray(), withinBounds))
                    .as("a hash within both bounds is computed")
                    .isInstanceOf(PasswordHasherBusyException.class);
        } finally {
            modest.slots.release();
        }
    }

    @Test
    void parsedHashRoundTripsAndHidesTheHashInToString() {
        String encoded = hasher.hash("pw".toCharArray());
        Argon2idHash parsed = PasswordHasher.parse(encoded);

        assertThat(parsed.encoded()).isEqualTo(encoded);
        assertThat(parsed).isEqualTo(PasswordHasher.parse(encoded));
        assertThat(parsed.toString())
                .contains("m=1024")
                .doesNotContain(encoded.substring(encoded.lastIndexOf('$') + 1));
    }

    @Test
    void aHashWaitingLongerThanMaxWaitForABusySlotIsRefusedAndTheNextOneRuns() throws InterruptedException {
        PasswordHasher bounded = new PasswordHasher(FAST, new HashingConcurrency(1, Duration.ZERO));
        String stored = bounded.hash("correct horse".toCharArray());
        bounded.slots.acquire(); // another sign-in is computing its hash
        try {
            assertThatThrownBy(() -> bounded.verify("correct horse".toCharArray(), stored))
                    .isInstanceOf(PasswordHasherBusyException.class)
                    .hasMessageContaining("all 1 password hashing slots stayed busy");
            assertThatThrownBy(() -> bounded.hash("other".toCharArray()))
                    .isInstanceOf(PasswordHasherBusyException.class);
        } finally {
            bounded.slots.release();
        }
        assertThat(bounded.verify("correct horse".toCharArray(), stored)).isTrue();
        assertThat(bounded.slots.availablePermits()).as("every slot given back").isEqualTo(1);
    }

    @Test
    void concurrencyComesFromConfigAndDefaultsToTheCores() {
        assertThat(HashingConcurrency.create(
                        Config.just(ConfigSources.create(Map.of("max-concurrent", "3", "max-wait", "PT2S")))))
                .isEqualTo(new HashingConcurrency(3, Duration.ofSeconds(2)));
        assertThat(HashingConcurrency.create(Config.empty()))
                .isEqualTo(new HashingConcurrency(Runtime.getRuntime().availableProcessors(), Duration.ofMillis(500)));
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HashingConcurrency(0, Duration.ZERO))
                .withMessageContaining("max-concurrent");
    }

    @Test
    void settingsComeFromConfigWithDefaults() {
        Config config = Config.just(ConfigSources.create(Map.of("memory-kib", "65536", "iterations", "3")));

        PasswordHashSettings settings = PasswordHashSettings.create(config);

        assertThat(settings).isEqualTo(new PasswordHashSettings(65536, 3, 1, 16, 32, 262_144, 10));
        assertThat(PasswordHashSettings.create(Config.just(ConfigSources.create(Map.of("max-verify-iterations", "6"))))
                        .maxVerifyIterations())
                .isEqualTo(6);
        assertThat(PasswordHashSettings.create(Config.empty())).isEqualTo(PasswordHashSettings.defaults());
    }

    @Test
    void invalidSettingsAreRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasswordHashSettings(16, 1, 4, 16, 32, 262_144))
                .withMessageContaining("memory-kib");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasswordHashSettings(1024, 0, 1, 16, 32, 262_144))
                .withMessageContaining("iterations");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasswordHashSettings(1024, 1, 1, 4, 32, 262_144))
                .withMessageContaining("salt-length");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasswordHashSettings(1024, 1, 1, 16, 32, 512))
                .withMessageContaining("max-verify-memory-kib");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new PasswordHashSettings(1024, 3, 1, 16, 32, 2048, 2))
                .withMessageContaining("max-verify-iterations");
    }

    private static byte[] filled(int length, int value) {
        byte[] bytes = new byte[length];
        Arrays.fill(bytes, (byte) value);
        return bytes;
    }
}
