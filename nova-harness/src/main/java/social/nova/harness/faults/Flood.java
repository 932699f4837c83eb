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

import social.nova.harness.RawHttpResponse;

/**
 * As many HTTP/1.1 requests as {@code connections} keep-alive sockets can send in a bounded time,
 * each connection sending the next request as soon as the last is answered, cycling through raw
 * requests (so requests a well-behaved client would never send, such as one without a Host header,
 * can be sent too). A connection the server closes is opened again. Only for servers the test
 * started on this machine.
 */
public final class Flood {
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;

    private Flood() {}

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
                            RawHttpResponse response = RawHttpResponse.read(in);
                            answers.computeIfAbsent(response.status(), s -> new LongAdder())
                                    .increment();
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
}
