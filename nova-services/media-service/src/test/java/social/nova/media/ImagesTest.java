package social.nova.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import social.nova.testing.TestImages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Thumbnails from real encoded images: decoded, turned upright, scaled, and decodable WebP. */
class ImagesTest {
    private final Images images = new Images(100_000_000L, 0.8f);

    @Test
    void aLandscapePngGetsThreeWebpThumbnailsThatFitTheirSquares() throws Exception {
        Images.Result result = images.thumbnails(Files.png(2400, 1200, 1));

        assertThat(result.width()).isEqualTo(2400);
        assertThat(result.height()).isEqualTo(1200);
        assertThat(result.thumbnails())
                .extracting(Images.Thumbnail::sizePx, Images.Thumbnail::width, Images.Thumbnail::height)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(150, 150, 75),
                        org.assertj.core.groups.Tuple.tuple(480, 480, 240),
                        org.assertj.core.groups.Tuple.tuple(1080, 1080, 540));
        for (Images.Thumbnail thumbnail : result.thumbnails()) {
            assertThat(Arrays.copyOfRange(thumbnail.webp(), 8, 12)).asString().isEqualTo("WEBP");
            BufferedImage decoded = webp(thumbnail.webp());
            assertThat(decoded.getWidth()).isEqualTo(thumbnail.width());
            assertThat(decoded.getHeight()).isEqualTo(thumbnail.height());
        }
    }

    @Test
    void aSmallImageIsNeverEnlarged() throws Exception {
        Images.Result result = images.thumbnails(Files.jpeg(120, 90, 2));

        assertThat(result.thumbnails()).allSatisfy(thumbnail -> {
            assertThat(thumbnail.width()).isEqualTo(120);
            assertThat(thumbnail.height()).isEqualTo(90);
        });
    }

    @Test
    void exifOrientationSixIsTurnedClockwise() throws Exception {
        // Stored 300x200 with red on the left; orientation 6 shows it turned clockwise: 200x300 with red on top.
        byte[] sideways = TestImages.withExifOrientation(TestImages.halves("jpeg", 300, 200), 6);
        assertThat(Images.orientation(sideways)).isEqualTo(6);

        Images.Result result = images.thumbnails(sideways);

        assertThat(result.width()).isEqualTo(200);
        assertThat(result.height()).isEqualTo(300);
        Images.Thumbnail small = result.thumbnails().getFirst();
        assertThat(small.width()).isEqualTo(100);
        assertThat(small.height()).isEqualTo(150);
        BufferedImage decoded = webp(small.webp());
        assertThat(isRed(decoded.getRGB(50, 10))).as("top is red").isTrue();
        assertThat(isBlue(decoded.getRGB(50, 140))).as("bottom is blue").isTrue();
    }

    @Test
    void everyOrientationPutsThePixelsWhereTheStandardSays() {
        // A 2x1 image: red at (0,0), blue at (1,0).
        BufferedImage image = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xff0000);
        image.setRGB(1, 0, 0x0000ff);
        // Where red ends up (x, y), and the size, for each orientation.
        int[][] expected = {
            {0, 0, 2, 1},
            {1, 0, 2, 1},
            {1, 0, 2, 1},
            {0, 0, 2, 1},
            {0, 0, 1, 2},
            {0, 0, 1, 2},
            {0, 1, 1, 2},
            {0, 1, 1, 2}
        };
        for (int orientation = 1; orientation <= 8; orientation++) {
            BufferedImage upright = Images.orient(image, orientation);
            int[] want = expected[orientation - 1];
            assertThat(upright.getWidth())
                    .as("width, orientation %d", orientation)
                    .isEqualTo(want[2]);
            assertThat(upright.getHeight())
                    .as("height, orientation %d", orientation)
                    .isEqualTo(want[3]);
            assertThat(upright.getRGB(want[0], want[1]) & 0xffffff)
                    .as("red, orientation %d", orientation)
                    .isEqualTo(0xff0000);
        }
    }

    @Test
    void gifAndWebpAreDecodedToo() throws Exception {
        assertThat(images.thumbnails(TestImages.halves("gif", 64, 32)).width()).isEqualTo(64);
        byte[] webp =
                images.thumbnails(Files.png(800, 600, 3)).thumbnails().get(1).webp();

        Images.Result fromWebp = images.thumbnails(webp);

        assertThat(fromWebp.width()).isEqualTo(480);
        assertThat(fromWebp.height()).isEqualTo(360);
    }

    @Test
    void aCorruptFileIsUnprocessableWithAReason() {
        byte[] png = Files.png(64, 64, 4);
        byte[] truncated = Arrays.copyOf(png, 60);

        assertThatThrownBy(() -> images.thumbnails(truncated))
                .isInstanceOf(Images.Unprocessable.class)
                .hasMessageStartingWith("the image cannot be decoded");
        assertThatThrownBy(() ->
                        images.thumbnails("MZ this is a program".getBytes(java.nio.charset.StandardCharsets.US_ASCII)))
                .isInstanceOf(Images.Unprocessable.class)
                .hasMessage("no image decoder recognises the file");
    }

    @Test
    void anImageClaimingTooManyPixelsIsRefusedBeforeDecoding() throws Exception {
        byte[] bomb = withPngSize(Files.png(16, 16, 5), 60_000, 60_000);

        assertThatThrownBy(() -> images.thumbnails(bomb))
                .isInstanceOf(Images.Unprocessable.class)
                .hasMessage("the image is 60000x60000 pixels, more than the 100000000 pixels processed");
    }

    /** The PNG with its IHDR width and height replaced (CRC fixed): what a decompression bomb claims. */
    private static byte[] withPngSize(byte[] png, int width, int height) {
        byte[] bomb = png.clone();
        ByteBuffer ihdr = ByteBuffer.wrap(bomb, 16, 8);
        ihdr.putInt(width).putInt(height);
        CRC32 crc = new CRC32();
        crc.update(bomb, 12, 17); // "IHDR" and its 13 bytes
        ByteBuffer.wrap(bomb, 29, 4).putInt((int) crc.getValue());
        return bomb;
    }

    private static BufferedImage webp(byte[] bytes) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
        assertThat(image).as("decodable WebP").isNotNull();
        return image;
    }

    private static boolean isRed(int rgb) {
        return ((rgb >> 16) & 0xff) > 200 && (rgb & 0xff) < 60;
    }

    private static boolean isBlue(int rgb) {
        return (rgb & 0xff) > 200 && ((rgb >> 16) & 0xff) < 60;
    }
}
