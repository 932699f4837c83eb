package social.nova.media;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A video's duration and first frame, from Debian's ffmpeg and ffprobe (installed in the service
 * image). They read the object straight from the store through a presigned URL, with HTTP range
 * requests, so nothing is copied to disk or into the heap but the frame (a PNG).
 *
 * <p>Hardening: the input format is fixed to MP4 ({@code -f mov}, what the upload's magic numbers
 * showed), the only protocols are HTTP(S) and TCP/TLS (an MP4 cannot make ffmpeg open a local
 * file), each run has a deadline and is killed past it, and both outputs are size-capped.
 */
final class Videos {
    private static final System.Logger LOG = System.getLogger(Videos.class.getName());

    /** Largest first frame taken from ffmpeg (a PNG of a 4K frame is well under this). */
    private static final int MAX_FRAME_BYTES = 64 * 1024 * 1024;

    private static final int MAX_TEXT_BYTES = 64 * 1024;
    private static final List<String> INPUT = List.of("-protocol_whitelist", "http,https,tcp,tls", "-f", "mov");

    /** ffmpeg's messages when the store, not the file, failed: processing is retried, the media not failed. */
    private static final Pattern STORE_TROUBLE = Pattern.compile(
            "Connection refused|Connection timed out|Server returned 5|Failed to resolve|Operation timed out|"
                    + "Network is unreachable|Connection reset");

    /** A video's duration and its first frame (as PNG, turned upright as players show it). */
    record Probe(long durationMs, byte[] firstFrame) {}

    private final String ffmpeg;
    private final String ffprobe;
    private final Duration timeout;

    /**
     * @param ffmpeg  the ffmpeg command ({@code media.processing.ffmpeg}, "ffmpeg")
     * @param ffprobe the ffprobe command ({@code media.processing.ffprobe}, "ffprobe")
     * @param timeout longest run of either ({@code media.processing.video-timeout}, 60 s)
     */
    Videos(String ffmpeg, String ffprobe, Duration timeout) {
        this.ffmpeg = ffmpeg;
        this.ffprobe = ffprobe;
        this.timeout = timeout;
    }

    Probe probe(URI source) throws Images.Unprocessable {
        List<String> durationCommand = new ArrayList<>(List.of(ffprobe, "-v", "error"));
        durationCommand.addAll(INPUT);
        durationCommand.addAll(List.of(
                "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1", source.toString()));
        String duration = new String(run(durationCommand, MAX_TEXT_BYTES, source), StandardCharsets.US_ASCII).trim();
        long durationMs;
        try {
            durationMs = Math.round(Double.parseDouble(duration) * 1000);
        } catch (NumberFormatException e) {
            throw new Images.Unprocessable(
                    "the video has no duration (ffprobe printed '" + abbreviate(duration) + "')");
        }
        if (durationMs < 0) {
            throw new Images.Unprocessable("the video has a negative duration");
        }

        List<String> frameCommand = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error"));
        frameCommand.addAll(INPUT);
        frameCommand.addAll(
                List.of("-i", source.toString(), "-frames:v", "1", "-f", "image2pipe", "-c:v", "png", "pipe:1"));
        byte[] frame = run(frameCommand, MAX_FRAME_BYTES, source);
        if (frame.length == 0) {
            throw new Images.Unprocessable("the video has no frame to show");
        }
        return new Probe(durationMs, frame);
    }

    /**
     * Runs a command and returns its standard output. A failure of the file is Unprocessable, of
     * the store UncheckedIOException (the event is delivered again). Messages never show the
     * presigned URL.
     */
    private byte[] run(List<String> command, int maxBytes, URI source) throws Images.Unprocessable {
        String tool = command.getFirst();
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            // A deployment without ffmpeg: retrying cannot help, and the item must not stay PROCESSING.
            LOG.log(System.Logger.Level.ERROR, "cannot run " + tool + "; videos cannot be processed", e);
            throw new Images.Unprocessable("video processing is not available: " + tool + " cannot run", e);
        }
        try {
            process.getOutputStream().close(); // nothing on its standard input
            ByteArrayOutputStream errors = new ByteArrayOutputStream();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean[] complete = {true};
            Thread stderr = Thread.ofVirtual().start(() -> drain(process.getErrorStream(), errors, MAX_TEXT_BYTES));
            Thread stdout =
                    Thread.ofVirtual().start(() -> complete[0] = drain(process.getInputStream(), out, maxBytes));
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new Images.Unprocessable(tool + " took longer than " + timeout.toSeconds() + " s");
            }
            stdout.join();
            stderr.join();
            if (!complete[0]) {
                throw new Images.Unprocessable(tool + " wrote more than " + maxBytes + " bytes");
            }
            if (process.exitValue() != 0) {
                String message =
                        lastLine(errors.toString(StandardCharsets.UTF_8).replace(source.toString(), "input"));
                if (STORE_TROUBLE.matcher(message).find()) {
                    throw new UncheckedIOException(new IOException(tool + " could not read the object: " + message));
                }
                throw new Images.Unprocessable("the video cannot be read: " + message);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + tool + " ran", e);
        } finally {
            // Killing it also ends the drains (their streams close).
            process.destroyForcibly();
        }
    }

    /** Copies up to {@code max} bytes; false when there were more (the rest is discarded). */
    private static boolean drain(InputStream in, ByteArrayOutputStream out, int max) {
        byte[] buffer = new byte[64 * 1024];
        boolean complete = true;
        try (in) {
            int read;
            while ((read = in.read(buffer)) >= 0) {
                int room = max - out.size();
                if (read > room) {
                    complete = false;
                }
                out.write(buffer, 0, Math.max(0, Math.min(read, room)));
            }
        } catch (IOException e) {
            // The process ended or was killed: what was read is what there is.
        }
        return complete;
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        String last = lines[lines.length - 1].strip();
        return last.isEmpty() ? "exit status without a message" : abbreviate(last);
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }
}
