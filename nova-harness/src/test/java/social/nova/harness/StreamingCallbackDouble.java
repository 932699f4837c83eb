package social.nova.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A test double of streaming-service's side of the media server's callbacks, and of that only (the
 * real thing is streaming-service, nova-services/streaming-service): a JDK HTTP server in the test's
 * JVM, on a free port of every interface, that answers nginx-rtmp's form POSTs at {@code
 * /media-server/<secret>/publish}, {@code /publish-done} and {@code /update} the way the agreed
 * interface says streaming-service will, and records every call it got.
 *
 * <ul>
 *   <li>{@code publish}: 204 when {@code key} is the accepted key, 403 otherwise;</li>
 *   <li>{@code update}: 204, or 403 for the streams a test named in {@link #refuseUpdatesOf};</li>
 *   <li>{@code publish-done}: 204;</li>
 *   <li>any other path (a wrong secret, no secret): 404.</li>
 * </ul>
 */
final class StreamingCallbackDouble implements AutoCloseable {
    /**
     * One call as the double got it.
     *
     * @param callback {@code publish}, {@code publish-done}, {@code update}, or the path as sent
     *                 when it was not one of them
     * @param protocol the request's HTTP version ({@code HTTP/1.1}: streaming-service, a Helidon 4
     *                 server, does not answer HTTP/1.0)
     * @param form     the form's fields, decoded
     * @param status   what the double answered
     */
    record Call(Instant at, String callback, String protocol, Map<String, String> form, int status) {
        String name() {
            return form.getOrDefault("name", "");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final String prefix;
    private final String acceptedKey;
    private final Set<String> refusedUpdates = ConcurrentHashMap.newKeySet();
    private final List<Call> calls = new CopyOnWriteArrayList<>();

    private StreamingCallbackDouble(String secret, String acceptedKey) throws IOException {
        this.prefix = PlatformContainers.MEDIA_SERVER_CALLBACK_PATH + secret + "/";
        this.acceptedKey = acceptedKey;
        this.server = HttpServer.create(new InetSocketAddress(0), 0);
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * Starts the double on a free port of every interface (the media server's containers reach this
     * machine through their network's gateway).
     *
     * @param secret      the path segment the callbacks must carry
     * @param acceptedKey the only stream key {@code publish} accepts
     */
    static StreamingCallbackDouble start(String secret, String acceptedKey) {
        try {
            return new StreamingCallbackDouble(secret, acceptedKey);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the streaming-service callback double", e);
        }
    }

    int port() {
        return server.getAddress().getPort();
    }

    /** From now on, {@code update} for this stream answers 403 (as streaming-service for an ended stream). */
    void refuseUpdatesOf(String streamId) {
        refusedUpdates.add(streamId);
    }

    /** Every call so far, in arrival order. */
    List<Call> calls() {
        return List.copyOf(calls);
    }

    /** The calls of one callback ({@code publish}, {@code publish-done}, {@code update}) for one stream. */
    List<Call> calls(String callback, String streamId) {
        return calls.stream()
                .filter(call -> call.callback().equals(callback) && call.name().equals(streamId))
                .toList();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange;
                InputStream body = exchange.getRequestBody()) {
            Map<String, String> form = form(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            String path = exchange.getRequestURI().getRawPath();
            String callback = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
            int status = switch (exchange.getRequestMethod() + " " + callback) {
                case "POST publish" -> acceptedKey.equals(form.get("key")) ? 204 : 403;
                case "POST update" -> refusedUpdates.contains(form.get("name")) ? 403 : 204;
                case "POST publish-done" -> 204;
                default -> 404;
            };
            calls.add(new Call(Instant.now(), callback, exchange.getProtocol(), form, status));
            exchange.sendResponseHeaders(status, -1);
        }
    }

    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            fields.put(decode(name), decode(value));
        }
        return fields;
    }

    /** nginx-rtmp cuts long fields (flashver) to a fixed length, maybe inside an escape: kept as sent then. */
    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return text;
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
