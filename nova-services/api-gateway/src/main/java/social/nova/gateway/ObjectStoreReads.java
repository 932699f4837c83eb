package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;

import social.nova.errors.NovaException;

/**
 * Reads media bytes from the object store through the presigned URLs media-service hands out
 * ({@code GetDownloadUrl}): one HTTP GET with a {@code Range} per download.
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
final class ObjectStoreReads {
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
        HttpURLConnection connection;
        try {
            connection = (HttpURLConnection) url.toURL().openConnection(Proxy.NO_PROXY);
        } catch (IOException | IllegalArgumentException e) {
            throw unavailable("media-service gave an unusable object store URL; retry", e);
        }
        connection.setConnectTimeout((int) CONNECT_TIMEOUT.toMillis());
        connection.setReadTimeout((int) STALL_TIMEOUT.toMillis());
        connection.setInstanceFollowRedirects(false);
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

    private static NovaException unavailable(String message, Exception cause) {
        NovaException.Builder error = NovaException.unavailable(message, Duration.ofSeconds(1)).toBuilder();
        if (cause != null) {
            error.cause(cause);
        }
        return error.build();
    }
}
