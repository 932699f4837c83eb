package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;

import social.nova.errors.NovaException;

/**
 * Moves media bytes between the client's request or response and the object store, through the
 * presigned URLs media-service hands out: one HTTP GET with a {@code Range} per download
 * ({@code GetDownloadUrl}), one PUT of a fixed length per upload ({@code BeginUpload}).
 *
 * <p>On the JDK's {@link HttpURLConnection}, deliberately: a blocking read fills the caller's buffer
 * straight from the socket (on a virtual thread), its connections are kept alive and reused, and a
 * read timeout bounds a store that stalls mid-body. The JDK's {@code java.net.http.HttpClient}
 * hands a body over in 16 KiB buffers through a publisher and a queue: more work per byte, on the
 * path whose cost per byte is the point (issue 12), and no timeout once the body has started.
 *
 * <p>Anything that goes wrong before the body starts is UNAVAILABLE ("retry"): the store is down, or
 * refused the URL (expired, or signed for a store it no longer is).
 */
final class ObjectStoreTransfers {
    /** A copy buffer, between the client's socket and the store's. */
    static final int COPY_BYTES = 256 * 1024;

    /** How long connecting to the store may take. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long the store may send nothing, for the headers or in the middle of a body, before the read is given up. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    /**
     * Bytes {@code from..last} (inclusive) of the object at {@code url}; the caller reads exactly
     * that many and closes the stream (which returns the connection for reuse when the body was read
     * to its end).
     */
    InputStream read(URI url, long from, long last) {
        HttpURLConnection connection = open(url);
        connection.setRequestProperty("Range", "bytes=" + from + "-" + last);
        try {
            int status = connection.getResponseCode();
            long length = connection.getContentLengthLong();
            if ((status == 206 || status == 200) && length == last - from + 1) {
                return connection.getInputStream();
            }
            InputStream error = connection.getErrorStream();
            if (error != null) {
                error.close();
            }
            connection.disconnect();
            throw unavailable(
                    "the object store answered HTTP " + status + " with " + length + " bytes for bytes " + from + "-"
                            + last + "; retry",
                    null);
        } catch (IOException e) {
            connection.disconnect();
            throw unavailable("the object store is unavailable; retry", e);
        }
    }

    /** How a PUT ended. */
    enum PutOutcome {
        /** The store holds the bytes. */
        STORED,
        /**
         * Their SHA-256 is not the declared one, and nothing was stored: the PUT was cut short before
         * its last bytes, or the store refused them (BadDigest, when the URL carries the checksum).
         */
        WRONG_SHA256
    }

    /**
     * PUTs {@code length} bytes read from {@code body} (the client's request) to {@code url} with
     * {@code headers}, {@value #COPY_BYTES} bytes at a time, until {@code deadlineNanos}
     * ({@link System#nanoTime()}). A failure to read the client's body (it broke off, or ended
     * early) is thrown as the IOException it is, after the PUT is dropped (the store keeps nothing
     * of a PUT cut short); the store failing is UNAVAILABLE ("retry").
     *
     * <p>The bytes are hashed on the way. The last buffer is sent only once their SHA-256 is
     * {@code sha256Hex}; otherwise the PUT is dropped one buffer short, so the store keeps nothing
     * of them and the address keeps what it held ({@link PutOutcome#WRONG_SHA256}).
     */
    PutOutcome put(
            URI url,
            java.util.Map<String, String> headers,
            long length,
            String sha256Hex,
            InputStream body,
            long deadlineNanos)
            throws IOException {
        MessageDigest digest = sha256();
        HttpURLConnection connection = open(url);
        java.io.OutputStream out;
        try {
            connection.setRequestMethod("PUT");
            connection.setDoOutput(true);
            connection.setFixedLengthStreamingMode(length);
            headers.forEach(connection::setRequestProperty);
            out = connection.getOutputStream();
        } catch (IOException e) {
            connection.disconnect();
            throw unavailable("the object store is unavailable; retry", e);
        }
        byte[] buffer = new byte[COPY_BYTES];
        long remaining = length;
        while (remaining > 0) {
            int read;
            try {
                if (System.nanoTime() - deadlineNanos > 0) {
                    throw new IOException("the upload ran past gateway.media.transfer-timeout");
                }
                // Filled before it is written: the request body arrives in Helidon's 8 KiB reads, and
                // one socket write per 8 KiB to the store cost more CPU than the copy itself.
                read = body.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read == 0) {
                    throw new IOException("the request's body ended " + remaining + " bytes before its Content-Length");
                }
            } catch (IOException | RuntimeException clientSide) {
                connection.disconnect();
                throw clientSide;
            }
            digest.update(buffer, 0, read);
            if (read == remaining && !HexFormat.of().formatHex(digest.digest()).equalsIgnoreCase(sha256Hex)) {
                connection.disconnect(); // the last bytes withheld: the store keeps nothing of this PUT
                return PutOutcome.WRONG_SHA256;
            }
            try {
                out.write(buffer, 0, read);
            } catch (IOException e) {
                connection.disconnect();
                throw unavailable("the object store stopped taking the upload; retry", e);
            }
            remaining -= read;
        }
        try {
            out.close();
            int status = connection.getResponseCode();
            if (status == 200) {
                connection.getInputStream().close();
                return PutOutcome.STORED;
            }
            String answer;
            try (InputStream error = connection.getErrorStream()) {
                answer = error == null
                        ? ""
                        : new String(error.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
            }
            if (status == 400 && answer.contains("<Code>BadDigest</Code>")) {
                return PutOutcome.WRONG_SHA256;
            }
            if (status >= 500) {
                throw unavailable("the object store answered the upload HTTP " + status + "; retry", null);
            }
            // A refusal the URL should not have met (signature, headers): a bug, not the client's.
            throw NovaException.builder(
                            social.nova.errors.ErrorCode.INTERNAL,
                            "the object store refused the upload (HTTP " + status + ")")
                    .build();
        } catch (IOException e) {
            connection.disconnect();
            throw unavailable("the object store did not answer the upload; retry", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    private static HttpURLConnection open(URI url) {
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable("media-service gave an unusable object store URL; retry", e);
        }
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) STALL_TIMEOUT.toMillis());
        connection.setInstanceFollowRedirects(false);
        return connection;
    }

    private static NovaException unavailable(String message, Exception cause) {
        NovaException.Builder error = NovaException.unavailable(message, Duration.ofSeconds(1)).toBuilder();
        if (cause != null) {
            error.cause(cause);
        }
        return error.build();
    }
}
