package social.nova.harness.cli;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;
import social.nova.harness.latency.LatencySummary;
import social.nova.harness.report.ReportParts;

import static social.nova.harness.cli.GatewayConnection.expect;
import static social.nova.harness.cli.GatewayConnection.field;

/**
 * {@code ./nova bench}'s real-time figures (issue 11), over the gateway's WebSocket
 * {@code /api/v1/realtime} as apps use it:
 *
 * <ul>
 *   <li><b>send to receive</b>: {@value #SENDERS} senders, each in a one-to-one conversation with a
 *       receiver of its own whose socket is open, send messages
 *       ({@code POST /api/v1/conversations/{id}/messages}) for {@link #MEASURE_FOR} (the paced run
 *       {@link #PACED_FOR}) after {@link #WARMUP_FOR} not counted; a sample is the time from the
 *       send to the message's frame arriving on the receiver's socket (baseline: the same POSTs'
 *       own answers, 201, the write path without delivery). The latency figures are of a paced
 *       run, each sender sending one message every {@link #PACE} on a fixed schedule, timed from
 *       the scheduled send (32 messages a second in all, a busy chat many times over); a run where
 *       each sends as soon as its previous message arrived gives the rate the stack delivers at (its
 *       latency then is queueing on this machine's two cores, printed beside it);</li>
 *   <li><b>open connections</b>: one user opens sockets {@value #WAVE} at a time, up to
 *       {@value #MAX_SOCKETS} or the first refusal, then one message is sent to the user and every
 *       socket must carry it: the figure is how many did, with the gateway container's memory in use
 *       (what {@code docker stats} shows, what the OOM killer weighs) against its limit, before and
 *       after (baseline: the same container with no socket open).</li>
 * </ul>
 *
 * <p>{@code ./nova bench} lifts the per-user socket limit of the gateway (10) for the run, as it
 * lifts the rate limits, and for the open-connections figure runs three messaging-service
 * instances (each socket holds one {@code StreamMessages} call there, 2,048 per instance at most). The gateway's own
 * {@code max-connections} (5,000) stays: the bench opens up to {@value #MAX_SOCKETS} and reports the
 * refusal past it.
 */
final class RealtimeBenchmark {
    static final int SENDERS = 8;
    static final Duration WARMUP_FOR = Duration.ofSeconds(10);
    static final Duration MEASURE_FOR = Duration.ofSeconds(20);
    /** The paced run measures longer: enough samples at its rate for a p99 (1,280). */
    static final Duration PACED_FOR = Duration.ofSeconds(40);
    /**
     * How often each sender sends in the paced run: four messages a second each, 32 a second from 8
     * senders, many times what people type, under what this machine's stack delivers flat out (the
     * third figure), so that the latency is the path's and not a queue's.
     */
    static final Duration PACE = Duration.ofMillis(250);

    static final int MAX_SOCKETS = 6_000;
    static final int TARGET_SOCKETS = 5_000;
    /**
     * Sockets opened at once. More at once are refused with 503 and {@code Retry-After} while their
     * upgrades exceed the gateway's concurrency limit (the kit's load shedding, as apps
     * reconnecting at once after an outage would see); the figure is what the gateway holds, not
     * how fast it accepts.
     */
    static final int WAVE = 32;

    private static final Duration DELIVERY_WAIT = Duration.ofSeconds(10);
    private static final Duration OPEN_WAIT = Duration.ofSeconds(30);
    private static final double MIB = 1024 * 1024;

    private final URI gateway;
    private final URI realtime;
    private final URI socketsRealtime;
    private final LongSupplier gatewayMemory;
    private final long gatewayMemoryLimit;
    private final HttpClient http = HttpClient.newHttpClient();

    /**
     * @param gateway            the gateway as the rest of the benchmark reaches it (its published port)
     * @param socketsGateway     where the thousands of sockets connect: the container's own address
     *                           when this machine reaches it (Docker's userland proxy behind a
     *                           published port died at about 3,000 connections here, and a load
     *                           balancer would not sit in between either), else {@code gateway}
     * @param gatewayMemory      the gateway container's memory in use, bytes
     * @param gatewayMemoryLimit its memory limit, bytes
     */
    RealtimeBenchmark(URI gateway, URI socketsGateway, LongSupplier gatewayMemory, long gatewayMemoryLimit) {
        this.gateway = gateway;
        this.realtime = websocket(gateway);
        this.socketsRealtime = websocket(socketsGateway);
        this.gatewayMemory = gatewayMemory;
        this.gatewayMemoryLimit = gatewayMemoryLimit;
    }

    private static URI websocket(URI gateway) {
        return URI.create(gateway.resolve("/api/v1/realtime").toString().replaceFirst("^http", "ws"));
    }

    /** The delivery figures: the paced run's p50 and p99, and the rate flat out. */
    List<ReportParts.BenchmarkRow> delivery() {
        List<ReportParts.BenchmarkRow> rows = new ArrayList<>();
        List<Pair> pairs = new ArrayList<>();
        for (int i = 0; i < SENDERS; i++) {
            BenchUser sender = BenchUser.signUp(gateway, "sender");
            BenchUser receiver = BenchUser.signUp(gateway, "receiver");
            pairs.add(new Pair(sender, receiver, conversation(sender, receiver)));
        }
        // Flat out first: it also warms every path the paced run measures.
        Delivery flatOut = sendToReceive(pairs, Duration.ZERO, MEASURE_FOR);
        Delivery paced = sendToReceive(pairs, PACE, PACED_FOR);
        String pace = String.format(Locale.ROOT, "%d senders, one message each every %d ms", SENDERS, PACE.toMillis());
        rows.add(row(
                String.format(
                        Locale.ROOT,
                        "WebSocket send -> receive, %s, p50 (%,d messages)",
                        pace,
                        paced.toSocket().count()),
                paced.toSocket().p50(),
                "<= 10 ms",
                10,
                paced));
        rows.add(row(
                String.format(
                        Locale.ROOT,
                        "WebSocket send -> receive, %s, p99 (%,d messages)",
                        pace,
                        paced.toSocket().count()),
                paced.toSocket().p99(),
                "<= 50 ms",
                50,
                paced));
        rows.add(new ReportParts.BenchmarkRow(
                String.format(
                        Locale.ROOT, "WebSocket messages delivered, %d senders sending as soon as delivered", SENDERS),
                String.format(Locale.ROOT, "%.0f msg/s", flatOut.toSocket().count() / (double) MEASURE_FOR.toSeconds()),
                "(no target)",
                flatOut.lost() == 0,
                String.format(
                        Locale.ROOT,
                        "send -> receive p50 %.2f ms, p99 %.2f ms; the POSTs answered 201: p50 %.2f ms%s",
                        flatOut.toSocket().p50(),
                        flatOut.toSocket().p99(),
                        flatOut.posted().p50(),
                        flatOut.lost() == 0 ? "" : "; " + flatOut.lost() + " frames never arrived")));
        return rows;
    }

    private record Pair(BenchUser sender, BenchUser receiver, String conversationId) {}

    /** Send-to-frame latencies, the POSTs' own, and messages whose frame never came. */
    private record Delivery(LatencySummary toSocket, LatencySummary posted, long lost) {}

    private static ReportParts.BenchmarkRow row(
            String measure, double millis, String target, double limit, Delivery delivery) {
        return new ReportParts.BenchmarkRow(
                measure,
                String.format(Locale.ROOT, "%.2f ms", millis),
                target,
                millis <= limit && delivery.lost() == 0,
                String.format(
                        Locale.ROOT,
                        "the same POSTs answered 201: p50 %.2f ms, p99 %.2f ms%s",
                        delivery.posted().p50(),
                        delivery.posted().p99(),
                        delivery.lost() == 0 ? "" : "; " + delivery.lost() + " frames never arrived"));
    }

    private String conversation(BenchUser sender, BenchUser receiver) {
        try (GatewayConnection connection = new GatewayConnection(gateway)) {
            var answer = connection.send(
                    "POST",
                    "/api/v1/conversations",
                    sender.accessToken(),
                    "{\"participantIds\":[\"" + receiver.userId() + "\"]}");
            return field(answer.status() == 200 ? answer.body() : expect(201, answer), "id");
        }
    }

    /**
     * Each sender sends for {@link #WARMUP_FOR} not counted, then {@code measureFor}: one message
     * every {@code pace} on a fixed schedule (the senders' schedules spread over the interval), a
     * sample being the time from the message's scheduled send to its frame, so that a late send
     * counts its lateness; with {@link Duration#ZERO}, as soon as the previous message arrived.
     */
    private Delivery sendToReceive(List<Pair> pairs, Duration pace, Duration measureFor) {
        Histogram toSocket = new Histogram(3);
        Histogram posted = new Histogram(3);
        AtomicLong lost = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + WARMUP_FOR.toNanos();
        long end = measureFrom + measureFor.toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < pairs.size(); p++) {
            Pair pair = pairs.get(p);
            long offset = pace.toNanos() * p / pairs.size();
            BlockingQueue<Frame> frames = new LinkedBlockingQueue<>();
            Socket socket = open(realtime, pair.receiver(), frames::add).join();
            threads.add(Thread.ofPlatform().start(() -> {
                Histogram ownToSocket = new Histogram(3);
                Histogram ownPosted = new Histogram(3);
                String path = "/api/v1/conversations/" + pair.conversationId() + "/messages";
                try (GatewayConnection connection = new GatewayConnection(gateway)) {
                    long scheduled = start + offset;
                    for (int i = 0; scheduled < end; i++) {
                        long wait = scheduled - System.nanoTime();
                        if (wait > 0) {
                            Benchmark.sleep(Duration.ofNanos(wait));
                        }
                        long started = pace.isZero() ? System.nanoTime() : scheduled;
                        String id = field(
                                expect(
                                        201,
                                        connection.send(
                                                "POST",
                                                path,
                                                pair.sender().accessToken(),
                                                "{\"text\":\"bench " + i + "\"}")),
                                "id");
                        long answered = System.nanoTime();
                        Frame frame = awaitFrame(frames, id);
                        if (started >= measureFrom) {
                            ownPosted.recordValue(Math.max(1, (answered - started) / 1_000));
                            if (frame == null) {
                                lost.incrementAndGet();
                            } else {
                                ownToSocket.recordValue(Math.max(1, (frame.arrived() - started) / 1_000));
                            }
                        }
                        scheduled = pace.isZero() ? System.nanoTime() : scheduled + pace.toNanos();
                    }
                } finally {
                    socket.close();
                }
                synchronized (toSocket) {
                    toSocket.add(ownToSocket);
                    posted.add(ownPosted);
                }
            }));
        }
        threads.forEach(Benchmark::join);
        return new Delivery(LatencySummary.ofMicros(toSocket), LatencySummary.ofMicros(posted), lost.get());
    }

    /** The frame of message {@code id}, skipping older ones; null if it did not come in {@link #DELIVERY_WAIT}. */
    private static Frame awaitFrame(BlockingQueue<Frame> frames, String id) {
        long deadline = System.nanoTime() + DELIVERY_WAIT.toNanos();
        try {
            while (true) {
                Frame frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (frame == null || frame.messageId().equals(id)) {
                    return frame;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Opens sockets for one user {@value #WAVE} at a time up to {@value #MAX_SOCKETS} (stopping at
     * the first wave with a refusal), sends the user one message and counts the sockets that carry it.
     */
    ReportParts.BenchmarkRow connections() {
        BenchUser sender = BenchUser.signUp(gateway, "prober");
        BenchUser user = BenchUser.signUp(gateway, "sockets");
        String conversation = conversation(sender, user);
        long before = gatewayMemory.getAsLong();
        List<Socket> sockets = new ArrayList<>();
        // The user's one conversation carries only the probe: any message frame is the probe's.
        AtomicInteger carried = new AtomicInteger();
        String refused = null;
        int reported = 0;
        try {
            while (sockets.size() < MAX_SOCKETS && refused == null) {
                List<CompletableFuture<Socket>> wave = new ArrayList<>();
                for (int i = 0; i < Math.min(WAVE, MAX_SOCKETS - sockets.size()); i++) {
                    wave.add(open(socketsRealtime, user, frame -> carried.incrementAndGet()));
                }
                for (CompletableFuture<Socket> opening : wave) {
                    try {
                        sockets.add(opening.get(OPEN_WAIT.toSeconds(), TimeUnit.SECONDS));
                    } catch (Exception e) {
                        refused = refused != null ? refused : refusal(e);
                    }
                }
                if (sockets.size() >= reported + 1_000) {
                    reported = sockets.size() / 1_000 * 1_000;
                    System.out.printf(
                            Locale.ROOT,
                            "       %,d sockets open, gateway memory %.0f MiB%n",
                            sockets.size(),
                            gatewayMemory.getAsLong() / MIB);
                }
            }
            // Every socket's stream must be open at messaging-service before the probe is sent.
            Benchmark.sleep(Duration.ofSeconds(5));
            long held = gatewayMemory.getAsLong();
            try (GatewayConnection connection = new GatewayConnection(gateway)) {
                expect(
                        201,
                        connection.send(
                                "POST",
                                "/api/v1/conversations/" + conversation + "/messages",
                                sender.accessToken(),
                                "{\"text\":\"capacity probe\"}"));
            }
            long deadline = System.nanoTime() + OPEN_WAIT.toNanos();
            while (carried.get() < sockets.size() && System.nanoTime() < deadline) {
                Benchmark.sleep(Duration.ofMillis(100));
            }
            int open = sockets.size();
            int live = carried.get();
            return new ReportParts.BenchmarkRow(
                    String.format(
                            Locale.ROOT,
                            "WebSocket connections one gateway holds (%.0f MiB limit), all carrying a message",
                            gatewayMemoryLimit / MIB),
                    String.format(Locale.ROOT, "%,d", live),
                    String.format(Locale.ROOT, ">= %,d", TARGET_SOCKETS),
                    live >= TARGET_SOCKETS,
                    String.format(
                            Locale.ROOT,
                            "gateway memory with no socket %.0f MiB, with %,d open %.0f MiB (%.1f KiB each)%s%s",
                            before / MIB,
                            open,
                            held / MIB,
                            open == 0 ? 0.0 : (held - before) / 1024.0 / open,
                            open == MAX_SOCKETS
                                    ? "; the bench stops at " + String.format(Locale.ROOT, "%,d", MAX_SOCKETS)
                                    : "",
                            refused == null ? "" : "; refused: " + refused));
        } finally {
            sockets.forEach(Socket::close);
        }
    }

    /** Why a socket did not open: the gateway's answer to the upgrade, or the failure. */
    private static String refusal(Exception failure) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof WebSocketHandshakeException handshake) {
            return handshake.getResponse().statusCode() + " "
                    + handshake.getResponse().body();
        }
        return String.valueOf(cause);
    }

    /** A message frame as it arrived: its message id and {@link System#nanoTime()}. */
    private record Frame(String messageId, long arrived) {}

    /** Opens a socket as {@code user}; each message frame goes to {@code frames}. */
    private CompletableFuture<Socket> open(URI endpoint, BenchUser user, Consumer<Frame> frames) {
        Socket listener = new Socket(frames);
        return http.newWebSocketBuilder()
                .connectTimeout(OPEN_WAIT)
                .header("Authorization", "Bearer " + user.accessToken())
                .buildAsync(endpoint, listener)
                .thenApply(webSocket -> listener);
    }

    /** One app's socket: message frames are handed on with their arrival time; others are read and dropped. */
    private static final class Socket implements WebSocket.Listener {
        private final Consumer<Frame> frames;
        private final StringBuilder partial = new StringBuilder();
        private volatile WebSocket webSocket;

        Socket(Consumer<Frame> frames) {
            this.frames = frames;
        }

        @Override
        public void onOpen(WebSocket socket) {
            this.webSocket = socket;
            socket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
            long arrived = System.nanoTime();
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                if (frame.contains("\"type\":\"message\"")) {
                    frames.accept(new Frame(field(frame, "id"), arrived));
                }
            }
            socket.request(1);
            return null;
        }

        void close() {
            WebSocket socket = webSocket;
            if (socket != null) {
                socket.abort();
            }
        }
    }
}
