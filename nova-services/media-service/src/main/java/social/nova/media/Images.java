package social.nova.media;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

import com.drew.imaging.ImageMetadataReader;
import com.drew.imaging.ImageProcessingException;
import com.drew.metadata.Metadata;
import com.drew.metadata.MetadataException;
import com.drew.metadata.exif.ExifIFD0Directory;
import com.luciad.imageio.webp.CompressionType;
import com.luciad.imageio.webp.WebPReadParam;
import com.luciad.imageio.webp.WebPWriteParam;

/**
 * Thumbnails of an image: decoded with ImageIO (the JDK's PNG and GIF readers, TwelveMonkeys'
 * JPEG reader, libwebp's WebP reader; a GIF's or an animated WebP's first frame), turned upright
 * by its EXIF orientation, scaled to fit each {@link #SIZES} square (never enlarged) and encoded
 * as lossy WebP by libwebp. Bytes in, bytes out: nothing here touches storage.
 *
 * <p>Memory stays bounded whatever the file claims: the pixel count is checked from the header
 * before decoding ({@code maxPixels}), and a large image is decoded subsampled, to no more than
 * about twice the largest thumbnail's side.
 */
final class Images {
    /** Thumbnail sizes: the longest side, in pixels (the contract's SMALL, MEDIUM and LARGE). */
    static final List<Integer> SIZES = List.of(150, 480, 1080);

    private static final int LARGEST = 1080;

    /** A file that cannot be made into thumbnails; processing ends FAILED with this message. */
    static final class Unprocessable extends Exception {
        private static final long serialVersionUID = 1L;

        Unprocessable(String message) {
            super(message);
        }

        Unprocessable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One encoded thumbnail. */
    record Thumbnail(int sizePx, int width, int height, byte[] webp) {}

    /** The image's upright size and its thumbnails, smallest first. */
    record Result(int width, int height, List<Thumbnail> thumbnails) {}

    private final long maxPixels;
    private final float quality;

    /**
     * @param maxPixels largest image decoded, width x height ({@code media.processing.max-pixels})
     * @param quality   WebP quality, 0..1 ({@code media.processing.webp-quality})
     */
    Images(long maxPixels, float quality) {
        this.maxPixels = maxPixels;
        this.quality = quality;
    }

    Result thumbnails(byte[] file) throws Unprocessable {
        int orientation = orientation(file);
        Decoded decoded = decode(file);
        BufferedImage upright = orient(decoded.image(), orientation);
        boolean turned = orientation >= 5;
        int width = turned ? decoded.height() : decoded.width();
        int height = turned ? decoded.width() : decoded.height();
        List<Thumbnail> thumbnails = new ArrayList<>();
        for (int size : SIZES) {
            double scale = Math.min(1.0, (double) size / Math.max(width, height));
            int w = Math.max(1, (int) Math.round(width * scale));
            int h = Math.max(1, (int) Math.round(height * scale));
            BufferedImage scaled = scale(upright, w, h);
            thumbnails.add(new Thumbnail(size, w, h, webp(scaled)));
        }
        return new Result(width, height, List.copyOf(thumbnails));
    }

    /** A decoded image and the file's full size (the image itself may be subsampled). */
    private record Decoded(BufferedImage image, int width, int height) {}

    private Decoded decode(byte[] file) throws Unprocessable {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(file))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new Unprocessable("no image decoder recognises the file");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width < 1 || height < 1) {
                    throw new Unprocessable("the image has no pixels (" + width + "x" + height + ")");
                }
                if ((long) width * height > maxPixels) {
                    throw new Unprocessable("the image is " + width + "x" + height + " pixels, more than the "
                            + maxPixels + " pixels processed");
                }
                int factor = Math.max(1, Math.max(width, height) / LARGEST);
                ImageReadParam param = reader.getDefaultReadParam();
                if (factor > 1) {
                    if (param instanceof WebPReadParam webp) {
                        webp.setUseScaling(true);
                        webp.setScaledWidth(Math.max(1, width / factor));
                        webp.setScaledHeight(Math.max(1, height / factor));
                    } else {
                        param.setSourceSubsampling(factor, factor, 0, 0);
                    }
                }
                return new Decoded(reader.read(0, param), width, height);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            // Decoders report corrupt input with IOException, but also with IllegalArgumentException,
            // ArrayIndexOutOfBoundsException and the like: any of them means "cannot decode this".
            throw new Unprocessable("the image cannot be decoded: " + describe(e), e);
        }
    }

    /** The EXIF orientation (1..8; 1, upright, when the file has none or it is unreadable). */
    static int orientation(byte[] file) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(file), file.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif == null || !exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                return 1;
            }
            int orientation = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
            return orientation >= 1 && orientation <= 8 ? orientation : 1;
        } catch (ImageProcessingException | IOException | MetadataException | RuntimeException e) {
            return 1;
        }
    }

    /** Turns an image stored with EXIF {@code orientation} upright (TIFF 6.0's eight orientations). */
    static BufferedImage orient(BufferedImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        AffineTransform t = new AffineTransform();
        switch (orientation) {
            case 2 -> { // mirrored horizontally
                t.translate(w, 0);
                t.scale(-1, 1);
            }
            case 3 -> { // rotated 180
                t.translate(w, h);
                t.rotate(Math.PI);
            }
            case 4 -> { // mirrored vertically
                t.translate(0, h);
                t.scale(1, -1);
            }
            case 5 -> { // transposed: mirrored along the top-left to bottom-right diagonal
                t.rotate(Math.PI / 2);
                t.scale(1, -1);
            }
            case 6 -> { // stored rotated 90 counter-clockwise: turn it clockwise
                t.translate(h, 0);
                t.rotate(Math.PI / 2);
            }
            case 7 -> { // transverse
                t.scale(-1, 1);
                t.translate(-h, 0);
                t.translate(0, w);
                t.rotate(3 * Math.PI / 2);
            }
            default -> { // 8: stored rotated 90 clockwise: turn it counter-clockwise
                t.translate(0, w);
                t.rotate(3 * Math.PI / 2);
            }
        }
        boolean turned = orientation >= 5;
        BufferedImage out = new BufferedImage(turned ? h : w, turned ? w : h, rgbType(image));
        Graphics2D g = out.createGraphics();
        try {
            g.drawImage(image, t, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Scales down in halving steps (bilinear each), which keeps detail a one-step bilinear scale loses. */
    private static BufferedImage scale(BufferedImage image, int width, int height) {
        BufferedImage current = image;
        int w = image.getWidth();
        int h = image.getHeight();
        do {
            w = Math.max(width, w / 2);
            h = Math.max(height, h / 2);
            BufferedImage next = new BufferedImage(w, h, rgbType(image));
            Graphics2D g = next.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
                g.drawImage(current, 0, 0, w, h, null);
            } finally {
                g.dispose();
            }
            current = next;
        } while (w != width || h != height);
        return current;
    }

    private byte[] webp(BufferedImage image) throws Unprocessable {
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByMIMEType("image/webp");
        if (!writers.hasNext()) {
            throw new IllegalStateException("no WebP encoder on the class path (webp-imageio)");
        }
        ImageWriter writer = writers.next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            WebPWriteParam param = new WebPWriteParam(writer.getLocale());
            param.setCompressionMode(javax.imageio.ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionType(CompressionType.Lossy);
            param.setCompressionQuality(quality);
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new Unprocessable("the thumbnail cannot be encoded: " + describe(e), e);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static int rgbType(BufferedImage image) {
        return image.getColorModel().hasAlpha() ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }
}
