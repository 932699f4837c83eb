package social.nova.kit;

import java.util.Map;

import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.SocketOptions;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;

/**
 * Applies {@link TrafficSettings} to a Helidon server, once for every Nova service:
 * <ul>
 *   <li>TCP_NODELAY on accepted sockets (Helidon 4.5 leaves Nagle's algorithm on);</li>
 *   <li>a fixed concurrency limit with a short queue for HTTP requests, unless the service
 *       configures Helidon's own {@code server.max-concurrent-requests} or
 *       {@code server.concurrency-limit}; the same limit instance bounds gRPC calls through
 *       {@link GrpcConcurrencyInterceptor} (Helidon does not apply it to gRPC streams);</li>
 *   <li>a bound on open connections, unless {@code server.max-tcp-connections} is set;</li>
 *   <li>HTTP/2 rapid-reset allowance of {@value #MAX_RAPID_RESETS} per connection and period, unless
 *       {@code server.protocols.http_2.max-rapid-resets} is set ({@link #withHttp2Defaults});</li>
 *   <li>the refusal as a 503 with {@code Retry-After} and the Nova error body. Helidon answers an
 *       HTTP/1.1 refusal through this direct handler; a gRPC call is refused by the interceptor
 *       with UNAVAILABLE and {@code RetryInfo}.</li>
 * </ul>
 */
final class Traffic {
    /**
     * Client resets per connection in Helidon's check period (10 s) before GOAWAY ENHANCE_YOUR_CALM.
     * Helidon 4.5.0 counts every reset of a gRPC call as a "rapid reset" (its gRPC handler writes
     * past the stream's write state), so its default of 50 turned 50 expired deadlines, or 50 apps
     * closing their sockets at the gateway, into a GOAWAY failing every call on the connection. What
     * the check guards against, reset calls piling up work, the port's concurrency limit bounds.
     */
    static final int MAX_RAPID_RESETS = 10_000;

    /**
     * Whether Helidon's gRPC server compresses answers ({@code server.protocols.grpc.enable-compression}):
     * off. Helidon 4.5.0 gzips every message of a call whose client accepts gzip, which grpc-java
     * clients (the gateway, nova-rpc) announce by default, and it ignores a handler's
     * {@code setMessageCompression(false)}. A flight recording and a frame trace of media-service
     * showed it: each 1 MiB download chunk (a JPEG's or a video's bytes, which do not compress)
     * took about 25 ms to gzip, which held downloads to grpc-java clients at 20-44 MiB/s where a
     * C-core client, which got identity, read 110-180 MiB/s. Between services on one network, small
     * protobufs gain nothing worth the CPU either. With it off, Helidon also refuses a request whose
     * messages are compressed ({@code grpc-encoding: gzip}); grpc-java and C-core clients send none
     * unless told to, and none of Nova's does.
     */
    static final boolean GRPC_COMPRESSION = false;

    private Traffic() {}

    /**
     * {@code server} (the {@code server} node) with the kit's HTTP/2 and gRPC defaults beneath it,
     * each unless the service sets it.
     */
    static Config withHttp2Defaults(Config server) {
        Map<String, String> defaults = new java.util.LinkedHashMap<>();
        defaults.put("protocols.http_2.max-rapid-resets", Integer.toString(MAX_RAPID_RESETS));
        defaults.put("protocols.grpc.enable-compression", Boolean.toString(GRPC_COMPRESSION));
        defaults.keySet().removeIf(key -> server.get(key).exists());
        if (defaults.isEmpty()) {
            return server;
        }
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(server.detach()), ConfigSources.create(defaults))
                .build();
    }

    /** The port's limit, shared by the listener (HTTP) and {@link GrpcConcurrencyInterceptor} (gRPC). */
    static Limit limit(TrafficSettings traffic) {
        return FixedLimit.builder()
                .permits(traffic.maxConcurrentRequests())
                .queueLength(traffic.queueLength())
                .queueTimeout(traffic.queueTimeout())
                .build();
    }

    static WebServerConfig.Builder apply(TrafficSettings traffic, WebServerConfig.Builder server) {
        return apply(traffic, limit(traffic), server);
    }

    static WebServerConfig.Builder apply(TrafficSettings traffic, Limit limit, WebServerConfig.Builder server) {
        SocketOptions configured = server.connectionOptions().orElseGet(SocketOptions::create);
        server.connectionOptions(SocketOptions.builder()
                .from(configured)
                .tcpNoDelay(traffic.tcpNoDelay())
                .build());
        if (server.maxConcurrentRequests() == -1 && server.concurrencyLimit().isEmpty()) {
            server.concurrencyLimit(limit);
        }
        if (server.maxTcpConnections() == -1) {
            server.maxTcpConnections(traffic.maxTcpConnections());
        }
        if (server.directHandlers().isEmpty()) {
            server.directHandlers(DirectHandlers.builder()
                    .addHandler(DirectHandler.EventType.OTHER, busyHandler(traffic))
                    .build());
        }
        return server;
    }

    /** Helidon's own answer, except that a 503 (the concurrency limit) says when to come back. */
    static DirectHandler busyHandler(TrafficSettings traffic) {
        long seconds = traffic.retryAfter().toSeconds();
        String body = "{\"error\":{\"code\":\"UNAVAILABLE\",\"message\":\"the server is busy; retry after " + seconds
                + " s\",\"details\":[{\"type\":\"retryInfo\",\"retryAfterSeconds\":" + seconds + "}]}}";
        DirectHandler helidon = DirectHandler.defaultHandler();
        return (request, eventType, status, headers, message) -> {
            if (status.code() != Status.SERVICE_UNAVAILABLE_503.code()) {
                return helidon.handle(request, eventType, status, headers, message);
            }
            return DirectHandler.TransportResponse.builder()
                    .status(status)
                    .headers(headers)
                    .header(HeaderNames.RETRY_AFTER, Long.toString(seconds))
                    .header(HeaderValues.CONTENT_TYPE_JSON)
                    .entity(body)
                    .build();
        };
    }
}
