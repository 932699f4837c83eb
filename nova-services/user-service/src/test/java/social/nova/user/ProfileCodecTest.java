package social.nova.user;

import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProfileCodecTest {
    private final ProfileCodec codec = new ProfileCodec();

    @Test
    void profilesRoundTrip() {
        Profile profile = new Profile(
                UUID.randomUUID(),
                "ada",
                "Ada \"the\" Countess ✨",
                "line\nbreak",
                12,
                3,
                Instant.parse("2025-03-01T10:15:30.123456Z"));
        assertThat(codec.decode(codec.encode(profile))).isEqualTo(profile);
    }

    @Test
    void somethingElseDoesNotDecode() {
        assertThatThrownBy(() -> codec.decode("{\"id\":\"x\"}")).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> codec.decode("not json")).isInstanceOf(RuntimeException.class);
    }
}
