package social.nova.harness.cli;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.github.dockerjava.api.model.HostConfig;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.harness.PlatformContainers;
import social.nova.harness.StackDocker;
import social.nova.harness.StackIdentity;
import social.nova.harness.TestPattern;
import social.nova.harness.report.ReportParts;

import static social.nova.harness.cli.GatewayConnection.expect;
import static social.nova.harness.cli.GatewayConnection.field;

/**
 * {@code ./nova bench streaming}: issue 13's figures on the {@code up} stack.
 * <ul>
 *   <li><b>key to LIVE</b>: from starting Debian's ffmpeg (a container on the stack's network)
 *       publishing to a new stream's ingest URL with its key until the gateway shows the stream
 *       LIVE, over several streams; baseline: the same container image started to run
 *       {@code ffmpeg -version} to its exit (the part of the figure that is Docker's, not Nova's).
 *   <li><b>WatchStream calls one instance holds</b>: 2,000 calls open at one streaming-service
 *       instance (over 16 connections, as many clients behind a few proxies, opened 50 at a time),
 *       each getting its first state; then one viewer joins and every call must show the new count; the heap of the instance
 *       before (the baseline) and with them.
 *   <li><b>the media server's CPU per published stream</b>: the nginx-rtmp container's CPU time over
 *       20 s with 0 (the baseline), 1, 2 and 4 test-pattern broadcasts publishing (their encoders run
 *       in containers of their own and are not counted).
 * </ul>
 */
final class StreamingBenchmark {
    private static final int KEY_TO_LIVE_ROUNDS = 8;
    private static final int WATCHERS = 2_000;
    private static final int WATCH_CONNECTIONS = 16;
    private static final int OPEN_WAVE = 50;
    private static final Duration CPU_WINDOW = Duration.ofSeconds(20);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final URI gateway;
    private final String streamingTarget;
    private final URI streamingMetrics;
    private final StackDocker docker;
    private final StackIdentity identity;
    private final String ffmpegImage;
    private final AtomicInteger containers = new AtomicInteger();

    /**
     * @param gateway          the gateway's published address
     * @param streamingTarget  one streaming-service instance's published host:port (gRPC)
     * @param streamingMetrics its metrics
     * @param ffmpegImage      Debian's ffmpeg ({@link social.nova.harness.ToolImages#ffmpeg()})
     */
    StreamingBenchmark(
            URI gateway,
            String streamingTarget,
            URI streamingMetrics,
            StackDocker docker,
            StackIdentity identity,
            String ffmpegImage) {
        this.gateway = gateway;
        this.streamingTarget = streamingTarget;
        this.streamingMetrics = streamingMetrics;
        this.docker = docker;
        this.identity = identity;
        this.ffmpegImage = ffmpegImage;
    }

    /** Whether a benchmark row is one of these figures. */
    static boolean isStreaming(String measure) {
        return measure.startsWith("streaming ");
    }

    List<ReportParts.BenchmarkRow> run() {
        List<ReportParts.BenchmarkRow> rows = new ArrayList<>();
        rows.add(keyToLive());
        rows.add(watchers());
        rows.addAll(mediaServerCpu());
        return rows;
    }

    private ReportParts.BenchmarkRow keyToLive() {
        List<Long> live = new ArrayList<>();
        List<Long> dockerOnly = new ArrayList<>();
        for (int round = 0; round < KEY_TO_LIVE_ROUNDS; round++) {
            BenchUser owner = BenchUser.signUp(gateway, "caster");
            try (GatewayConnection connection = new GatewayConnection(gateway)) {
                Started stream = start(connection, owner);
                long started = System.nanoTime();
                String publisher = publish(stream, Duration.ofSeconds(20));
                try {
                    while (!"LIVE".equals(status(connection, owner, stream.id()))) {
                        if (System.nanoTime() - started > TIMEOUT.toNanos()) {
                            throw new IllegalStateException("stream " + stream.id() + " not LIVE within " + TIMEOUT
                                    + "; ffmpeg: " + docker.logs(publisher));
                        }
                        Thread.sleep(10);
                    }
                    live.add(System.nanoTime() - started);
                    expect(
                            204,
                            connection.send(
                                    "POST", "/api/v1/streams/" + stream.id() + "/end", owner.accessToken(), null));
                } finally {
                    docker.stopAndRemove(publisher);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
            long started = System.nanoTime();
            String version = run(List.of("-version"));
            awaitExit(version);
            dockerOnly.add(System.nanoTime() - started);
            docker.remove(version);
        }
        live.sort(null);
        dockerOnly.sort(null);
        long p50 = live.get(live.size() / 2);
        return new ReportParts.BenchmarkRow(
                "streaming key to LIVE (ffmpeg publishing until the gateway shows LIVE), p50 / max of "
                        + KEY_TO_LIVE_ROUNDS,
                millis(p50) + " / " + millis(live.getLast()),
                "< 2,000 ms of the first frame",
                live.getLast() < 2_000_000_000L,
                "ffmpeg's container alone (docker run of ffmpeg -version to its exit): p50 "
                        + millis(dockerOnly.get(dockerOnly.size() / 2)));
    }

    private ReportParts.BenchmarkRow watchers() {
        BenchUser owner = BenchUser.signUp(gateway, "watched");
        BenchUser viewer = BenchUser.signUp(gateway, "viewer");
        Started stream;
        try (GatewayConnection connection = new GatewayConnection(gateway)) {
            stream = start(connection, owner);
        }
        MediaBenchmark.Heap before = MediaBenchmark.heap(streamingMetrics);
        List<ManagedChannel> channels = new ArrayList<>();
        for (int i = 0; i < WATCH_CONNECTIONS; i++) {
            channels.add(NettyChannelBuilder.forTarget(streamingTarget)
                    .usePlaintext()
                    .build());
        }
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        AtomicInteger firstStates = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        AtomicLong firstFailure = new AtomicLong();
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + viewer.accessToken());
        try {
            long openStarted = System.nanoTime();
            for (int i = 0; i < WATCHERS; i++) {
                // Opened in waves of OPEN_WAVE, each once the one before has its first states: each
                // open asks user-service about blocks, and 2,000 at once meet its callers' bulkhead
                // (a reconnect storm is refused UNAVAILABLE and retried; this measures holding).
                if (i % OPEN_WAVE == 0) {
                    long waveDeadline = System.nanoTime() + TIMEOUT.toNanos();
                    while (firstStates.get() + failed.get() < i && System.nanoTime() < waveDeadline) {
                        Thread.sleep(5);
                    }
                }
                int call = i;
                StreamingServiceGrpc.newStub(ClientInterceptors.intercept(
                                channels.get(i % WATCH_CONNECTIONS),
                                MetadataUtils.newAttachHeadersInterceptor(headers)))
                        .watchStream(
                                WatchStreamRequest.newBuilder()
                                        .setStreamId(stream.id())
                                        .build(),
                                new StreamObserver<>() {
                                    @Override
                                    public void onNext(WatchStreamResponse update) {
                                        if (counts.put(call, update.getViewerCount()) == null) {
                                            firstStates.incrementAndGet();
                                        }
                                    }

                                    @Override
                                    public void onError(Throwable t) {
                                        if (failed.getAndIncrement() == 0) {
                                            firstFailure.set(System.nanoTime());
                                            System.err.println("a WatchStream call failed: " + t);
                                        }
                                    }

                                    @Override
                                    public void onCompleted() {
                                        completed.incrementAndGet();
                                    }
                                });
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (firstStates.get() + failed.get() < WATCHERS && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            long opened = System.nanoTime() - openStarted;
            MediaBenchmark.Heap with = MediaBenchmark.heap(streamingMetrics);
            long joined = System.nanoTime();
            try (GatewayConnection connection = new GatewayConnection(gateway)) {
                expect(
                        204,
                        connection.send(
                                "POST", "/api/v1/streams/" + stream.id() + "/join", viewer.accessToken(), null));
                while (counts.values().stream().filter(count -> count == 1).count() < firstStates.get()
                        && System.nanoTime() - joined < TIMEOUT.toNanos()) {
                    Thread.sleep(10);
                }
                long fanOut = System.nanoTime() - joined;
                long updated =
                        counts.values().stream().filter(count -> count == 1).count();
                expect(
                        204,
                        connection.send("POST", "/api/v1/streams/" + stream.id() + "/end", owner.accessToken(), null));
                long ended = System.nanoTime();
                while (completed.get() < firstStates.get() && System.nanoTime() - ended < TIMEOUT.toNanos()) {
                    Thread.sleep(10);
                }
                boolean met = firstStates.get() >= WATCHERS && failed.get() == 0 && updated >= WATCHERS;
                return new ReportParts.BenchmarkRow(
                        "streaming WatchStream calls one streaming-service instance holds (" + WATCHERS
                                + " opened over " + WATCH_CONNECTIONS + " connections)",
                        String.format(
                                Locale.ROOT,
                                "%d held (opened in %s), %d failed; a join reached all %d in %s; %d completed OK at the end",
                                firstStates.get(),
                                millis(opened),
                                failed.get(),
                                updated,
                                millis(fanOut),
                                completed.get()),
                        ">= 2,000",
                        met,
                        String.format(
                                Locale.ROOT,
                                "heap used %.0f MiB before, %.0f MiB with them (limit %.0f MiB)",
                                before.used() / 1048576.0,
                                with.used() / 1048576.0,
                                with.max() / 1048576.0));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } finally {
            for (ManagedChannel channel : channels) {
                channel.shutdownNow();
                try {
                    channel.awaitTermination(5, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private List<ReportParts.BenchmarkRow> mediaServerCpu() {
        String mediaServer = docker.inspect(identity.containerName(PlatformContainers.MEDIA_SERVER))
                .orElseThrow(() -> new IllegalStateException("the stack has no media server"))
                .getId();
        double idle = cores(mediaServer);
        List<ReportParts.BenchmarkRow> rows = new ArrayList<>();
        for (int streams : new int[] {1, 2, 4}) {
            List<String> publishers = new ArrayList<>();
            List<BenchUser> owners = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            try (GatewayConnection connection = new GatewayConnection(gateway)) {
                for (int i = 0; i < streams; i++) {
                    BenchUser owner = BenchUser.signUp(gateway, "cpu");
                    Started stream = start(connection, owner);
                    owners.add(owner);
                    ids.add(stream.id());
                    publishers.add(publish(stream, CPU_WINDOW.plusSeconds(30)));
                }
                for (int i = 0; i < streams; i++) {
                    long deadline = System.nanoTime() + TIMEOUT.toNanos();
                    while (!"LIVE".equals(status(connection, owners.get(i), ids.get(i)))) {
                        if (System.nanoTime() > deadline) {
                            throw new IllegalStateException("stream " + ids.get(i) + " not LIVE");
                        }
                        Thread.sleep(100);
                    }
                }
                Thread.sleep(Duration.ofSeconds(5)); // past the first keyframes and segments
                double busy = cores(mediaServer);
                double perStream = (busy - idle) / streams;
                rows.add(new ReportParts.BenchmarkRow(
                        "streaming media server CPU with " + streams + " test-pattern broadcast"
                                + (streams == 1 ? "" : "s") + " (640x360, 25 fps, H.264 + AAC, to HLS)",
                        String.format(Locale.ROOT, "%.1f %% of a core per stream", perStream * 100),
                        "reported",
                        true,
                        String.format(
                                Locale.ROOT,
                                "%.1f %% of a core with no broadcast; %.1f %% in all with them",
                                idle * 100,
                                busy * 100)));
                for (int i = 0; i < streams; i++) {
                    connection.send(
                            "POST",
                            "/api/v1/streams/" + ids.get(i) + "/end",
                            owners.get(i).accessToken(),
                            null);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                publishers.forEach(docker::stopAndRemove);
            }
        }
        return rows;
    }

    /** The container's CPU use over {@link #CPU_WINDOW}, in cores. */
    private double cores(String containerId) throws IllegalStateException {
        long cpuBefore = docker.cpuNanos(containerId);
        long before = System.nanoTime();
        try {
            Thread.sleep(CPU_WINDOW);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return (double) (docker.cpuNanos(containerId) - cpuBefore) / (System.nanoTime() - before);
    }

    private record Started(String id, String ingestUrl, String key) {}

    private static Started start(GatewayConnection connection, BenchUser owner) {
        String body = expect(
                201,
                connection.send("POST", "/api/v1/streams", owner.accessToken(), "{\"title\":\"benchmark stream\"}"));
        return new Started(field(body, "id"), field(body, "ingestUrl"), field(body, "streamKey"));
    }

    private static String status(GatewayConnection connection, BenchUser owner, String id) {
        return field(expect(200, connection.send("GET", "/api/v1/streams/" + id, owner.accessToken(), null)), "status");
    }

    /** ffmpeg publishing a test pattern to the stream's ingest URL (as the network reaches it) with its key. */
    private String publish(Started stream, Duration duration) {
        URI ingest = URI.create(stream.ingestUrl());
        String url = "rtmp://" + PlatformContainers.MEDIA_SERVER + ":" + PlatformContainers.MEDIA_SERVER_RTMP_PORT
                + ingest.getRawPath() + "?key=" + stream.key();
        return run(TestPattern.ffmpegArguments(url, duration));
    }

    /**
     * Runs ffmpeg with {@code command} in a container on the stack's network. Not through
     * {@link StackDocker#run}: the {@code up} stack's containers restart unless stopped, and a client
     * that ends must stay ended.
     */
    private String run(List<String> command) {
        String id = docker.client()
                .createContainerCmd(ffmpegImage)
                .withName(identity.containerName("bench-ffmpeg-" + containers.incrementAndGet()))
                .withLabels(identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, "client")))
                .withCmd(command)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(identity.networkName()))
                .exec()
                .getId();
        docker.client().startContainerCmd(id).exec();
        return id;
    }

    private void awaitExit(String containerId) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (docker.isRunning(containerId)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ffmpeg did not exit: " + docker.logs(containerId));
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    private static String millis(long nanos) {
        return String.format(Locale.ROOT, "%,d ms", nanos / 1_000_000);
    }
}
