package social.nova.crypto;

import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class TokensTest {

    @Test
    void randomTokensAreUrlSafeOfTheRightLengthAndDistinct() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String token = Tokens.randomUrlSafe(32);
            assertThat(token).matches("[A-Za-z0-9_-]{43}");
            assertThat(seen.add(token)).isTrue();
        }
    }

    @Test
    void sizeMustBePositive() {
        assertThatIllegalArgumentException().isThrownBy(() -> Tokens.randomUrlSafe(0));
    }

    @Test
    void sha256IsLowerCaseHexOfTheUtf8Bytes() {
        // FIPS 180-2 example "abc".
        assertThat(Tokens.sha256("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Tokens.sha256("abc")).isEqualTo(Tokens.sha256("abc")).isNotEqualTo(Tokens.sha256("abd"));
    }
}
