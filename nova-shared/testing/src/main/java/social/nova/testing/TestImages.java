package social.nova.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import javax.imageio.ImageIO;

/** Images for media tests, made here: nothing binary is checked in. */
public final class TestImages {
    private TestImages() {}

    /**
     * A {@code width x height} image in {@code format} ("png", "jpeg", "gif") whose left half is red
     * and right half blue: after a rotation, where the colours went shows which way it turned.
     */
    public static byte[] halves(String format, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D graphics = image.createGraphics();
        try {
            graphics.setColor(Color.RED);
            graphics.fillRect(0, 0, width / 2, height);
            graphics.setColor(Color.BLUE);
            graphics.fillRect(width / 2, 0, width - width / 2, height);
        } finally {
            graphics.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * The JPEG with an EXIF segment (APP1) that says {@code orientation} (1..8, TIFF 6.0), as a
     * phone camera writes when it was held sideways: 6 means "turn 90 degrees clockwise to show".
     */
    public static byte[] withExifOrientation(byte[] jpeg, int orientation) {
        if (jpeg.length < 2 || (jpeg[0] & 0xff) != 0xff || (jpeg[1] & 0xff) != 0xd8) {
            throw new IllegalArgumentException("not a JPEG");
        }
        ByteBuffer tiff = ByteBuffer.allocate(26); // big-endian, like "MM"
        tiff.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8); // header, IFD0 at 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1); // Orientation, SHORT, count 1
        tiff.putShort((short) orientation).putShort((short) 0); // value, padded to 4 bytes
        tiff.putInt(0); // no next IFD
        byte[] exif = "Exif\0\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int length = 2 + exif.length + tiff.capacity();
        ByteArrayOutputStream out = new ByteArrayOutputStream(jpeg.length + length + 2);
        out.write(0xff);
        out.write(0xd8);
        out.write(0xff);
        out.write(0xe1);
        out.write(length >> 8);
        out.write(length & 0xff);
        out.writeBytes(exif);
        out.writeBytes(tiff.array());
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
