package social.nova.harness.faults;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * As many HTTP/1.1 requests as {@code connections} keep-alive sockets can send in a bounded time,
 * each connection sending the next request as soon as the last is answered, cycling through raw
 * requests (so requests a well-behaved client would never send, such as one without a Host header,
 * can be sent too). A connection the server closes is opened again. Only for servers the test
 * started on this machine.
 */
public final class Flood {
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    private Flood() {
    }

    /**
     * What the flood got back.
     *
     * @param answers        responses per HTTP status
     * @param failedRequests requests without a response (connection refused, reset or timed out)
     */
    public record Result(long requests, Map<Integer, Long> answers, long failedRequests, Duration took) {
        public double perSecond() {
            return requests / (took.toNanos() / 1e9);
        }
    }

    /** One raw request, e.g. {@code "GET / HTTP/1.1\r\nHost: x\r\n\r\n"}. */
    public static byte[] request(String raw) {
        return raw.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static Result run(String host, int port, int connections, Duration duration, List<byte[]> requests) {
        Map<Integer, LongAdder> answers = new ConcurrentHashMap<>();
        AtomicLong failed = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        Thread[] threads = new Thread[connections];
        for (int c = 0; c < connections; c++) {
            int offset = c;
            threads[c] = Thread.ofPlatform().name("flood-" + c).start(() -> {
                int next = offset;
                while (System.nanoTime() < end) {
                    try (Socket socket = new Socket()) {
                        socket.setTcpNoDelay(true);
                        socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
                        socket.connect(new InetSocketAddress(host, port), SOCKET_TIMEOUT_MILLIS);
                        OutputStream out = socket.getOutputStream();
                        InputStream in = new BufferedInputStream(socket.getInputStream());
                        boolean open = true;
                        while (open && System.nanoTime() < end) {
                            out.write(requests.get(next++ % requests.size()));
                            out.flush();
                            sent.incrementAndGet();
                            Response response = Response.read(in);
                            answers.computeIfAbsent(response.status(), s -> new LongAdder()).increment();
                            open = response.keepAlive();
                        }
                    } catch (IOException e) {
                        failed.incrementAndGet();
                    }
                }
            });
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while flooding", e);
            }
        }
        Map<Integer, Long> counted = new TreeMap<>();
        answers.forEach((status, count) -> counted.put(status, count.sum()));
        return new Result(sent.get(), counted, failed.get(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** The parts of a response the flood needs: its status, and whether the connection stays open. */
    record Response(int status, boolean keepAlive) {
        static Response read(InputStream in) throws IOException {
            String statusLine = line(in);
            if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("no HTTP response: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = 0;
            boolean chunked = false;
            boolean close = false;
            for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                String lower = header.toLowerCase(java.util.Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
                    in.skipNBytes(size);
                    line(in);
                }
                line(in);
            } else {
                in.skipNBytes(length);
            }
            return new Response(status, !close);
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b != -1; b = in.read()) {
                if (b == '\n') {
                    int length = line.length();
                    return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
                }
                line.append((char) b);
            }
            return line.isEmpty() ? null : line.toString();
        }
    }
}
