package social.nova.media;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

/**
 * The media types media-service stores, and what a file of each really looks like: its type is
 * judged from its first bytes (magic numbers), never from the name or the declared type alone.
 * {@link #HEADER_BYTES} bytes are enough to tell every type apart.
 */
enum MediaTypes {
    JPEG("image/jpeg", false),
    PNG("image/png", false),
    WEBP("image/webp", false),
    GIF("image/gif", false),
    MP4("video/mp4", true);

    /** Bytes of a file's start that {@link #detect} looks at. */
    static final int HEADER_BYTES = 12;

    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** ISO base media brands of still images (HEIF, AVIF) and QuickTime: an {@code ftyp} box, but not MP4 video. */
    private static final Set<String> NOT_MP4_BRANDS =
            Set.of("heic", "heix", "hevc", "heim", "heis", "mif1", "msf1", "avif", "avis", "qt  ");

    private final String mime;
    private final boolean video;

    MediaTypes(String mime, boolean video) {
        this.mime = mime;
        this.video = video;
    }

    String mime() {
        return mime;
    }

    boolean isVideo() {
        return video;
    }

    /** The type with this MIME name (exact, lowercase, as the contract lists them). */
    static Optional<MediaTypes> ofMime(String mime) {
        return Arrays.stream(values()).filter(type -> type.mime.equals(mime)).findFirst();
    }

    /**
     * The type the first bytes of a file show, if any: {@code header} holds {@code length} bytes,
     * the file's first {@link #HEADER_BYTES} or all of a shorter file.
     */
    static Optional<MediaTypes> detect(byte[] header, int length) {
        if (startsWith(header, length, 0, new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff})) {
            return Optional.of(JPEG);
        }
        if (startsWith(header, length, 0, PNG_SIGNATURE)) {
            return Optional.of(PNG);
        }
        if (startsWith(header, length, 0, ascii("GIF87a")) || startsWith(header, length, 0, ascii("GIF89a"))) {
            return Optional.of(GIF);
        }
        if (startsWith(header, length, 0, ascii("RIFF")) && startsWith(header, length, 8, ascii("WEBP"))) {
            return Optional.of(WEBP);
        }
        if (startsWith(header, length, 4, ascii("ftyp")) && length >= 12) {
            String brand = new String(header, 8, 4, StandardCharsets.ISO_8859_1);
            return NOT_MP4_BRANDS.contains(brand) ? Optional.empty() : Optional.of(MP4);
        }
        return Optional.empty();
    }

    private static boolean startsWith(byte[] header, int length, int offset, byte[] expected) {
        if (length < offset + expected.length) {
            return false;
        }
        return Arrays.equals(header, offset, offset + expected.length, expected, 0, expected.length);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
