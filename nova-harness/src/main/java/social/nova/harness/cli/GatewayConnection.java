package social.nova.harness.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import social.nova.harness.RawHttpResponse;

/**
 * One HTTP/1.1 keep-alive connection to the gateway whose requests the benchmark writes by hand:
 * no client library (its pools, its threads) between a figure and the wire.
 */
final class GatewayConnection implements AutoCloseable {
    private static final String JSON_STRING = "\"(%s)\"\\s*:\\s*\"([^\"]+)\"";

    private final String host;
    private final int port;
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    /** A status and a body. */
    record Answer(int status, String body) {}

    /** The body of {@code answer}, if its status is {@code status}; else a failure naming both. */
    static String expect(int status, Answer answer) {
        if (answer.status() != status) {
            throw new IllegalStateException("expected " + status + ", got " + answer.status() + ": " + answer.body()
                    + " (are the stack's per-client limits lifted? ./nova bench does that)");
        }
        return answer.body();
    }

    GatewayConnection(URI gateway) {
        this.host = gateway.getHost();
        this.port = gateway.getPort();
        try {
            socket = new Socket(host, port);
            socket.setTcpNoDelay(true);
            socket.setSoTimeout(10_000);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot connect to the gateway at " + host + ":" + port, e);
        }
    }

    /** Sends one request (a JSON body if {@code body} is not null) and reads its answer. */
    Answer send(String method, String path, String token, String body) {
        StringBuilder request = new StringBuilder(method)
                .append(' ')
                .append(path)
                .append(" HTTP/1.1\r\nHost: ")
                .append(host)
                .append(':')
                .append(port)
                .append("\r\n");
        if (token != null) {
            request.append("Authorization: Bearer ").append(token).append("\r\n");
        }
        byte[] entity = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        if (body != null || !"GET".equals(method)) {
            request.append("Content-Type: application/json\r\nContent-Length: ")
                    .append(entity.length)
                    .append("\r\n");
        }
        request.append("\r\n");
        try {
            out.write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(entity);
            out.flush();
            RawHttpResponse response = RawHttpResponse.read(in);
            return new Answer(response.status(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " failed", e);
        }
    }

    /** The string field {@code name} of a JSON answer (the first one, at any depth). */
    static String field(String json, String name) {
        Matcher matcher =
                Pattern.compile(String.format(JSON_STRING, Pattern.quote(name))).matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(2);
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a connection we are done with
        }
    }
}
