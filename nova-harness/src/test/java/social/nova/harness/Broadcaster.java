package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.HostConfig;

import static org.awaitility.Awaitility.await;

/**
 * Broadcasters and viewers of live streams as the harness's tests play them, inside the stack's
 * network: Debian's ffmpeg ({@link ToolImages#ffmpeg()}) in a container publishing a test pattern
 * (640x360 at 25 frames a second, a 440 Hz tone; H.264 and AAC in FLV, as OBS sends it) to the media
 * server over RTMP, and ffprobe decoding what the media server serves over HLS.
 *
 * <pre>{@code
 * Broadcaster broadcaster = Broadcaster.of(stack);
 * // the ingest URL streaming-service hands a user, for this machine: rtmp://localhost:<port>/live
 * try (Broadcaster.Broadcast live = broadcaster.publish(ingestUrl, streamId, streamKey, Duration.ofSeconds(30))) {
 *     ...                                   // the playlist at <playbackUrl>/<id>/index.m3u8 fills
 *     Broadcaster.StreamInfo segment = broadcaster.ffprobe(segmentUrl);   // http://localhost:<port>/hls/<id>/3.ts
 *     live.stop();                          // docker kill: the broadcaster vanishes
 * }
 * }</pre>
 *
 * URLs as users on this machine get them (the published host and ports) are rewritten to the media
 * server's own inside the network ({@link #inNetwork}): the containers reach it there, by its alias.
 */
final class Broadcaster {
    /** The media server's RTMP ingest base inside the stack's network. */
    static final URI NETWORK_INGEST = URI.create("rtmp://" + PlatformContainers.MEDIA_SERVER + ":"
            + PlatformContainers.MEDIA_SERVER_RTMP_PORT + "/" + PlatformContainers.MEDIA_SERVER_APPLICATION);
    /** The media server's HLS base inside the stack's network. */
    static final URI NETWORK_HLS = URI.create(
            "http://" + PlatformContainers.MEDIA_SERVER + ":" + PlatformContainers.MEDIA_SERVER_HLS_PORT + "/hls");

    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private final StackDocker docker;
    private final StackIdentity identity;
    private final String image;

    /**
     * @param identity the stack whose network the containers join (and whose labels they carry, so
     *                 removing the stack removes them)
     * @param image    an ffmpeg image ({@link ToolImages#ffmpeg()})
     */
    Broadcaster(StackDocker docker, StackIdentity identity, String image) {
        this.docker = docker;
        this.identity = identity;
        this.image = image;
    }

    /** Broadcasters on {@code stack}'s network (the ffmpeg image is built first if missing). */
    static Broadcaster of(NovaStack stack) {
        StackDocker docker = new StackDocker(stack.settings().bindAddress());
        String image = new ToolImages(docker.client(), stack.settings().root())
                .ffmpeg()
                .tag();
        return new Broadcaster(docker, stack.identity(), image);
    }

    /**
     * {@code url} as the stack's network reaches the media server: its scheme's port on the media
     * server's alias ({@code rtmp://localhost:41935/live} becomes {@code rtmp://media-server:1935/live},
     * {@code http://localhost:48090/hls/x/3.ts} becomes {@code http://media-server:8080/hls/x/3.ts}),
     * path and query kept.
     */
    static URI inNetwork(URI url) {
        int port = switch (url.getScheme()) {
            case "rtmp" -> PlatformContainers.MEDIA_SERVER_RTMP_PORT;
            case "http" -> PlatformContainers.MEDIA_SERVER_HLS_PORT;
            default -> throw new IllegalArgumentException("neither an RTMP nor an HLS URL: " + url);
        };
        return URI.create(url.getScheme() + "://" + PlatformContainers.MEDIA_SERVER + ":" + port + url.getRawPath()
                + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery()));
    }

    /** Publishes to the media server's ingest in the network ({@link #NETWORK_INGEST}). */
    Broadcast publish(String streamId, String key, Duration duration) {
        return publish(NETWORK_INGEST, streamId, key, duration);
    }

    /**
     * Publishes as an encoder configured with what StartStream answered does: to
     * {@code <ingestUrl>?key=<key>}, where {@code ingestUrl} is a stream's own
     * ({@code rtmp://localhost:41935/live/<stream id>}).
     */
    Broadcast publishTo(URI ingestUrl, String key, Duration duration) {
        String path = ingestUrl.getRawPath();
        int slash = path.lastIndexOf('/');
        URI base = URI.create(ingestUrl.getScheme() + "://" + ingestUrl.getRawAuthority() + path.substring(0, slash));
        return publish(base, path.substring(slash + 1), key, duration);
    }

    /**
     * Starts publishing the test pattern for {@code duration} (then ffmpeg ends the stream and exits
     * 0) to {@code <ingest>/<stream id>?key=<key>}, in real time ({@code -re}), 2 s keyframe interval
     * (the HLS segments' length).
     *
     * @param ingest the RTMP ingest base, as users on this machine get it or as the network reaches
     *               it ({@link #inNetwork} is applied)
     */
    Broadcast publish(URI ingest, String streamId, String key, Duration duration) {
        String url = inNetwork(ingest) + "/" + URLEncoder.encode(streamId, StandardCharsets.UTF_8) + "?key="
                + URLEncoder.encode(key, StandardCharsets.UTF_8);
        String name = "broadcaster-" + CONTAINERS.incrementAndGet();
        ContainerSpec spec = new ContainerSpec(
                identity.containerName(name),
                image,
                List.of(name),
                Map.of(),
                TestPattern.ffmpegArguments(url, duration),
                Map.of(),
                0,
                identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, "client")),
                List.of(),
                List.of());
        StackDocker.RunningContainer container = docker.run(identity.networkName(), spec);
        return new Broadcast(container.id(), container.name(), streamId);
    }

    /**
     * Decodes {@code url} with ffprobe in the network ({@link #inNetwork} is applied): every frame
     * of each stream is read ({@code -count_frames}), so what it returns was decoded, not only
     * named in a header. Meant for an HLS segment ({@code .../<id>/<n>.ts}) or a playlist whose
     * stream has ended: a live playlist is read until the stream ends.
     *
     * @throws IllegalStateException if ffprobe fails (it names why) or does not end within a minute
     */
    StreamInfo ffprobe(URI url) {
        String name = identity.containerName("ffprobe-" + CONTAINERS.incrementAndGet());
        String id = docker.client()
                .createContainerCmd(image)
                .withName(name)
                .withLabels(identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, "client")))
                .withEntrypoint("ffprobe")
                .withCmd(
                        "-v",
                        "error",
                        "-count_frames",
                        "-show_entries",
                        "stream=codec_type,codec_name,width,height,pix_fmt,nb_read_frames",
                        "-of",
                        "json",
                        inNetwork(url).toString())
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(identity.networkName()))
                .exec()
                .getId();
        try {
            docker.client().startContainerCmd(id).exec();
            int exitCode;
            try (var waiting = docker.client().waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
                exitCode = waiting.awaitStatusCode(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (DockerClientException notExited) {
                throw new IllegalStateException(
                        "ffprobe of " + url + " did not end within " + PROBE_TIMEOUT, notExited);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String output = docker.logs(id);
            if (exitCode != 0 || !output.contains("{")) {
                throw new IllegalStateException(
                        "ffprobe of " + url + " failed (exit code " + exitCode + "):\n" + output.strip());
            }
            return StreamInfo.parse(output.substring(output.indexOf('{')));
        } finally {
            docker.remove(id);
        }
    }

    /** What ffprobe decoded: each stream of the input. */
    record StreamInfo(List<Stream> streams) {
        StreamInfo {
            streams = List.copyOf(streams);
        }

        static StreamInfo parse(String json) {
            try {
                List<Stream> streams = new ArrayList<>();
                for (JsonNode stream : GatewayApi.JSON.readTree(json).path("streams")) {
                    streams.add(new Stream(
                            stream.path("codec_type").asText(),
                            stream.path("codec_name").asText(),
                            stream.path("width").asInt(0),
                            stream.path("height").asInt(0),
                            stream.path("pix_fmt").asText(null),
                            stream.path("nb_read_frames").asLong(0)));
                }
                return new StreamInfo(streams);
            } catch (IOException e) {
                throw new UncheckedIOException("not ffprobe's JSON: " + json, e);
            }
        }

        /** The first video stream, if any. */
        Optional<Stream> video() {
            return streams.stream().filter(s -> s.type().equals("video")).findFirst();
        }

        /** The first audio stream, if any. */
        Optional<Stream> audio() {
            return streams.stream().filter(s -> s.type().equals("audio")).findFirst();
        }
    }

    /**
     * One decoded stream.
     *
     * @param type   {@code video} or {@code audio}
     * @param codec  e.g. {@code h264}, {@code aac}
     * @param width  pixels (0 for audio)
     * @param height pixels (0 for audio)
     * @param frames how many frames (video) or packets' frames (audio) were decoded
     */
    record Stream(String type, String codec, int width, int height, String pixelFormat, long frames) {}

    /** A running (or ended) broadcast: one ffmpeg container. */
    final class Broadcast implements AutoCloseable {
        private final String containerId;
        private final String containerName;
        private final String streamId;

        private Broadcast(String containerId, String containerName, String streamId) {
            this.containerId = containerId;
            this.containerName = containerName;
            this.streamId = streamId;
        }

        String streamId() {
            return streamId;
        }

        /** Whether ffmpeg still publishes (its container runs). */
        boolean isRunning() {
            return docker.isRunning(containerId);
        }

        /** ffmpeg's exit code once it ended: 0 when it published to the end, not 0 when refused or dropped. */
        OptionalInt exitCode() {
            return docker.inspect(containerId)
                    .filter(container ->
                            !Boolean.TRUE.equals(container.getState().getRunning()))
                    .map(container -> OptionalInt.of(
                            container.getState().getExitCodeLong().intValue()))
                    .orElse(OptionalInt.empty());
        }

        /**
         * Waits until ffmpeg exits and returns its exit code.
         *
         * @throws org.awaitility.core.ConditionTimeoutException if it still runs after {@code timeout}
         */
        int awaitExit(Duration timeout) {
            await(containerName + " to exit")
                    .atMost(timeout)
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> exitCode().isPresent());
            return exitCode().orElseThrow();
        }

        /** What ffmpeg wrote (warnings and errors: why a publish failed or ended). */
        String log() {
            return docker.logs(containerId);
        }

        /** Kills ffmpeg ({@code docker kill}): the broadcaster vanishes without ending its stream. */
        void stop() {
            if (isRunning()) {
                try {
                    docker.kill(containerId);
                } catch (RuntimeException alreadyEnded) {
                    // it ended between the check and the kill
                }
            }
        }

        /** Stops it and removes its container. */
        @Override
        public void close() {
            stop();
            docker.remove(containerId);
        }

        @Override
        public String toString() {
            return containerName + " publishing " + streamId;
        }
    }
}
