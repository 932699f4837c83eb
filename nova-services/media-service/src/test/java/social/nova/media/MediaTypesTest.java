package social.nova.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A file's type comes from its first bytes: every stored type, and the look-alikes that are not. */
class MediaTypesTest {
    @Test
    void realImagesAreKnownByTheirFirstBytes() {
        assertThat(detect(Files.png(8, 8, 1))).contains(MediaTypes.PNG);
        assertThat(detect(Files.jpeg(8, 8, 1))).contains(MediaTypes.JPEG);
        assertThat(detect(bytes("GIF89a\u0001\u0000\u0001\u0000"))).contains(MediaTypes.GIF);
        assertThat(detect(bytes("GIF87a\u0001\u0000"))).contains(MediaTypes.GIF);
        assertThat(detect(bytes("RIFF\u0024\u0000\u0000\u0000WEBPVP8 "))).contains(MediaTypes.WEBP);
        assertThat(detect(Files.mp4Like(64, 1))).contains(MediaTypes.MP4);
    }

    @Test
    void lookAlikesAndOtherFilesAreNot() {
        assertThat(detect(Files.exe(64))).isEmpty();
        // A WAV is RIFF too, a HEIC photo and a QuickTime movie have an ftyp box.
        assertThat(detect(bytes("RIFF\u0024\u0000\u0000\u0000WAVEfmt "))).isEmpty();
        assertThat(detect(bytes("\u0000\u0000\u0000\u0018ftypheic\u0000\u0000")))
                .isEmpty();
        assertThat(detect(bytes("\u0000\u0000\u0000\u0014ftypqt  \u0000\u0000")))
                .isEmpty();
        assertThat(detect(bytes("<svg xmlns="))).isEmpty();
        assertThat(detect(new byte[0])).isEmpty();
    }

    @Test
    void aFileShorterThanTheHeaderIsJudgedOnWhatThereIs() {
        byte[] jpegStart = {(byte) 0xff, (byte) 0xd8, (byte) 0xff};
        assertThat(MediaTypes.detect(Arrays.copyOf(jpegStart, MediaTypes.HEADER_BYTES), 3))
                .contains(MediaTypes.JPEG);
        assertThat(MediaTypes.detect(Arrays.copyOf(jpegStart, MediaTypes.HEADER_BYTES), 2))
                .isEmpty();
        // Eight bytes of the ftyp box are not enough to see the brand.
        assertThat(MediaTypes.detect(Files.mp4Like(64, 1), 8)).isEmpty();
    }

    @Test
    void mimeNamesAreTheContractsExactly() {
        assertThat(MediaTypes.ofMime("image/png")).contains(MediaTypes.PNG);
        assertThat(MediaTypes.ofMime("video/mp4")).contains(MediaTypes.MP4);
        assertThat(MediaTypes.ofMime("IMAGE/PNG")).isEmpty();
        assertThat(MediaTypes.ofMime("image/bmp")).isEmpty();
        assertThat(MediaTypes.MP4.isVideo()).isTrue();
        assertThat(MediaTypes.GIF.isVideo()).isFalse();
    }

    private static Optional<MediaTypes> detect(byte[] file) {
        byte[] header = Arrays.copyOf(file, MediaTypes.HEADER_BYTES);
        return MediaTypes.detect(header, Math.min(file.length, MediaTypes.HEADER_BYTES));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }
}
