package social.nova.kit;

import java.security.CodeSource;
import java.util.Objects;

import io.helidon.http.http2.Http2Headers;

/**
 * Whether the kit's patched {@code io.helidon.http.http2.Http2Headers} is the one loaded, so gRPC
 * C-core clients (Python, C++, Ruby, C#, PHP), which send {@code :path} as an HPACK literal, are
 * served instead of getting GOAWAY. It is when the kit's jar comes before {@code helidon-http-http2}
 * on the class path, as it does for every service that names the kit as a dependency first.
 */
final class Http2PseudoHeaderPatch {
    private static final System.Logger LOG = System.getLogger(Http2PseudoHeaderPatch.class.getName());

    private Http2PseudoHeaderPatch() {}

    static boolean active() {
        return Objects.equals(location(Http2Headers.class), location(Http2PseudoHeaderPatch.class));
    }

    /** Warns (once per start) when the patch lost to Helidon's own class. */
    static void check() {
        if (!active()) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "io.helidon.http.http2.Http2Headers comes from {0}, not from the "
                            + "service kit: gRPC clients built on C-core (Python, C++, Ruby, C#, PHP) will get GOAWAY. Put "
                            + "nova-service-kit before Helidon's jars on the class path (first dependency in the POM).",
                    location(Http2Headers.class));
        }
    }

    private static String location(Class<?> type) {
        CodeSource source = type.getProtectionDomain().getCodeSource();
        return source == null ? null : String.valueOf(source.getLocation());
    }
}
