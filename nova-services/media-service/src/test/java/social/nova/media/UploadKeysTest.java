package social.nova.media;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A staging key carries its upload's start, so the sweeper can age it whatever the store reports. */
class UploadKeysTest {
    @Test
    void aStagingKeyTellsWhenItsUploadStarted() {
        String key = Upload.stagingKey(1_796_000_000_123L);
        assertThat(key).startsWith("staging/1796000000123-");
        assertThat(Upload.stagingStart(key)).contains(Instant.ofEpochMilli(1_796_000_000_123L));
    }

    @Test
    void otherKeysTellNothing() {
        assertThat(Upload.stagingStart("staging/not-a-time")).isEmpty();
        assertThat(Upload.stagingStart("staging/123")).isEmpty();
        assertThat(Upload.stagingStart("objects/owner/sha")).isEmpty();
    }
}
