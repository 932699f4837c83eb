package social.nova.kit;

import java.security.CodeSource;
import java.util.Objects;

import io.helidon.http.http2.Http2Headers;
import io.helidon.webserver.http2.Http2Connection;

/**
 * Whether the kit's patched Helidon classes are the ones loaded: {@code io.helidon.http.http2.Http2Headers}
 * (gRPC C-core clients, Python, C++, Ruby, C#, PHP, send {@code :path} as an HPACK literal and are
 * served instead of getting GOAWAY) and {@code io.helidon.webserver.http2.Http2Connection} (a call
 * its client cancels does not end in GOAWAY for every call on the connection). They are when the
 * kit's jar comes before Helidon's on the class path, as it does for every service that names the
 * kit as a dependency first.
 */
final class Http2PseudoHeaderPatch {
    private static final System.Logger LOG = System.getLogger(Http2PseudoHeaderPatch.class.getName());

    private Http2PseudoHeaderPatch() {}

    static boolean active() {
        String kit = location(Http2PseudoHeaderPatch.class);
        return Objects.equals(location(Http2Headers.class), kit)
                && Objects.equals(location(Http2Connection.class), kit);
    }

    /** Warns (once per start) when the patch lost to Helidon's own class. */
    static void check() {
        if (!active()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "io.helidon.http.http2.Http2Headers comes from {0} and io.helidon.webserver.http2.Http2Connection "
                            + "from {1}, not both from the service kit: gRPC clients built on C-core (Python, C++, Ruby, "
                            + "C#, PHP) may get GOAWAY, and so may every call on a connection where a client cancels one. "
                            + "Put nova-service-kit before Helidon's jars on the class path (first dependency in the POM).",
                    location(Http2Headers.class),
                    location(Http2Connection.class));
        }
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : String.valueOf(source.getLocation());
    }
}
