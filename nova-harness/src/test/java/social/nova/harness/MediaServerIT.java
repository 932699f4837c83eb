package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerClientException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import io.helidon.config.Config;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import social.nova.harness.StackDocker.RunningContainer;
import social.nova.harness.StreamingCallbackDouble.Call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The live-streaming media server (issue 13) on its own, the container every stack running
 * streaming-service starts ({@link PlatformContainers#mediaServer}, {@link ToolImages#mediaServer()}),
 * against {@link StreamingCallbackDouble}, a double of streaming-service's callbacks (the real
 * service's journey is tested with the stack). What a user would notice: a broadcast with the key
 * the callback accepts plays as HLS that ffprobe decodes; one the callback refuses fails; an update
 * answered with anything but a 2xx drops the broadcaster; streaming-service's control call drops one
 * and publish-done follows; updates arrive every 10 s; and with streaming-service not reachable the
 * media server still starts and nobody can broadcast.
 *
 * <p>No Nova stack: two networks of their own (the second for the media server whose
 * streaming-service is missing), each with a {@code media-server}; the double runs in this JVM and
 * the media server reaches it at its network's gateway (Docker's DNS, which the callbacks' relay
 * asks, knows no {@code host.docker.internal}). The broadcasts run side by side, so the class takes
 * about half a minute.
 */
@Order(2)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MediaServerIT {
    private static final System.Logger LOG = System.getLogger(MediaServerIT.class.getName());
    private static final String SECRET = "it-" + Long.toHexString(System.nanoTime());
    private static final String KEY = "the-right-key";
    private static final String LIVE = "live-" + Long.toHexString(System.nanoTime());
    private static final String DOOMED = "doomed-" + Long.toHexString(System.nanoTime());
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration UPDATE_INTERVAL = Duration.ofSeconds(10);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private static StackDocker docker;
    private static StackIdentity identity;
    private static StackIdentity orphanIdentity;
    private static StreamingCallbackDouble streamingService;
    private static RunningContainer mediaServer;
    private static Broadcaster broadcaster;
    private static Broadcaster orphanBroadcaster;
    private static String tools;
    private static Broadcaster.Broadcast live;
    private static Broadcaster.Broadcast doomed;
    private static Instant liveStarted;
    private static Instant doomedStarted;

    @BeforeAll
    static void mediaServerAndBroadcasts() {
        Path root = StackSettings.forTests(Config.create().get("nova")).root();
        docker = new StackDocker(StackSettings.DEFAULT_BIND_ADDRESS);
        ToolImages images = new ToolImages(docker.client(), root);
        String media = images.mediaServer().tag();
        tools = images.ffmpeg().tag();

        identity = StackIdentity.test();
        String network = docker.ensureNetwork(identity.networkName(), identity.labels());
        streamingService = StreamingCallbackDouble.start(SECRET, KEY);
        String gateway = docker.client()
                .inspectNetworkCmd()
                .withNetworkId(network)
                .exec()
                .getIpam()
                .getConfig()
                .getFirst()
                .getGateway();
        mediaServer = docker.run(
                identity.networkName(),
                PlatformContainers.mediaServer(
                        identity,
                        media,
                        PlatformContainers.mediaServerCallback(gateway, streamingService.port(), SECRET),
                        0,
                        0));
        broadcaster = new Broadcaster(docker, identity, tools);

        // streaming-service's name, on a network where no container has it.
        orphanIdentity = StackIdentity.test();
        docker.ensureNetwork(orphanIdentity.networkName(), orphanIdentity.labels());
        RunningContainer orphan = docker.run(
                orphanIdentity.networkName(),
                PlatformContainers.mediaServer(
                        orphanIdentity,
                        media,
                        PlatformContainers.mediaServerCallback("streaming-service", 8088, SECRET),
                        0,
                        0));
        orphanBroadcaster = new Broadcaster(docker, orphanIdentity, tools);

        awaitHealthy(mediaServer);
        awaitHealthy(orphan);
        streamingService.refuseUpdatesOf(DOOMED);
        liveStarted = Instant.now();
        live = broadcaster.publish(LIVE, KEY, Duration.ofSeconds(60));
        doomedStarted = Instant.now();
        doomed = broadcaster.publish(DOOMED, KEY, Duration.ofSeconds(60));
    }

    @AfterAll
    static void removeEverything() {
        if (streamingService != null) {
            LOG.log(System.Logger.Level.INFO, "callbacks the double got:\n{0}", describe(streamingService.calls()));
            streamingService.close();
        }
        if (docker != null) {
            if (mediaServer != null) {
                LOG.log(System.Logger.Level.INFO, "media server''s log:\n{0}", docker.logs(mediaServer.id()));
            }
            for (StackIdentity stack : new StackIdentity[] {identity, orphanIdentity}) {
                if (stack != null) {
                    docker.removeAll(stack.labelFilter());
                }
            }
        }
    }

    @Test
    @Order(1)
    void aBroadcastWithTheAcceptedKeyPlaysAsHlsThatFfprobeDecodes() throws Exception {
        URI playlist = hls().resolve("hls/" + LIVE + "/index.m3u8");
        List<String> segments = await("two HLS segments of " + LIVE)
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> segments(playlist), found -> found.size() >= 2);
        HttpResponse<String> answer = get(playlist);
        assertThat(answer.headers().firstValue("Content-Type")).hasValue("application/vnd.apple.mpegurl");
        assertThat(playlist.toString())
                .as("the key never shows in a playback URL")
                .doesNotContain(KEY);

        Broadcaster.StreamInfo decoded = broadcaster.ffprobe(playlist.resolve(segments.get(1)));
        assertThat(decoded.video()).as("the video of %s", decoded).hasValueSatisfying(video -> {
            assertThat(video.codec()).isEqualTo("h264");
            assertThat(List.of(video.width(), video.height())).containsExactly(640, 360);
            assertThat(video.pixelFormat()).isEqualTo("yuv420p");
            assertThat(video.frames())
                    .as("frames decoded from a 2 s segment at 25/s")
                    .isBetween(40L, 60L);
        });
        assertThat(decoded.audio())
                .as("the audio of %s", decoded)
                .hasValueSatisfying(audio -> assertThat(audio.codec()).isEqualTo("aac"));

        List<Call> published = streamingService.calls("publish", LIVE);
        assertThat(published).hasSize(1);
        assertThat(published.getFirst().status()).isEqualTo(204);
        assertThat(published.getFirst().form())
                .as("what nginx-rtmp tells streaming-service, at /media-server/<secret>/publish")
                .containsEntry("call", "publish")
                .containsEntry("name", LIVE)
                .containsEntry("key", KEY)
                .containsEntry("app", PlatformContainers.MEDIA_SERVER_APPLICATION)
                .containsEntry("type", "live")
                .containsKeys("addr", "clientid", "tcurl", "flashver");
        assertThat(live.isRunning()).as("%s: %s", live, live.log()).isTrue();
    }

    @Test
    @Order(2)
    void aBroadcastTheCallbackRefusesFailsAndLeavesNoPlaylist() throws Exception {
        String stream = "refused-" + Long.toHexString(System.nanoTime());
        try (Broadcaster.Broadcast refused = broadcaster.publish(stream, "not-" + KEY, Duration.ofSeconds(10))) {
            int exitCode = refused.awaitExit(TIMEOUT);

            assertThat(exitCode)
                    .as("ffmpeg's exit code; its log:%n%s", refused.log())
                    .isNotZero();
            assertThat(refused.log()).contains("Input/output error");
        }
        assertThat(streamingService.calls("publish", stream)).singleElement().satisfies(call -> {
            assertThat(call.form()).containsEntry("key", "not-" + KEY);
            assertThat(call.status()).isEqualTo(403);
        });
        assertThat(get(hls().resolve("hls/" + stream + "/index.m3u8")).statusCode())
                .isEqualTo(404);
        assertThat(streamingService.calls("publish-done", stream))
                .as("a refused broadcast never began")
                .isEmpty();
    }

    @Test
    @Order(3)
    void whileABroadcastRunsUpdatesArriveEveryTenSeconds() {
        List<Call> updates = await("two updates of " + LIVE)
                .atMost(UPDATE_INTERVAL.multipliedBy(2).plus(TIMEOUT))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> streamingService.calls("update", LIVE), found -> found.size() >= 2);

        Duration first = Duration.between(liveStarted, updates.get(0).at());
        Duration between = Duration.between(updates.get(0).at(), updates.get(1).at());
        LOG.log(
                System.Logger.Level.INFO,
                "first update {0} after the broadcast began, the next {1} later",
                first,
                between);
        assertThat(first).as("the first update").isBetween(UPDATE_INTERVAL, UPDATE_INTERVAL.plusSeconds(5));
        assertThat(between)
                .as("between two updates")
                .isBetween(UPDATE_INTERVAL.minusSeconds(1), UPDATE_INTERVAL.plusSeconds(2));
        assertThat(updates.get(0).form())
                .containsEntry("call", "update_publish")
                .containsEntry("name", LIVE)
                .containsEntry("key", KEY)
                .containsKeys("time", "timestamp");
        assertThat(updates).allSatisfy(update -> assertThat(update.status()).isEqualTo(204));
        assertThat(live.isRunning()).as("%s: %s", live, live.log()).isTrue();
    }

    @Test
    @Order(4)
    void anUpdateAnsweredWithAnythingButA2xxDropsTheBroadcaster() {
        int exitCode = doomed.awaitExit(UPDATE_INTERVAL.plus(TIMEOUT));

        assertThat(exitCode)
                .as("ffmpeg's exit code; its log:%n%s", doomed.log())
                .isNotZero();
        Call refused = streamingService.calls("update", DOOMED).getFirst();
        assertThat(streamingService.calls("update", DOOMED))
                .as("one update, refused: the broadcaster was gone before the next")
                .containsExactly(refused);
        assertThat(refused.status()).isEqualTo(403);
        Call done = await("publish-done of " + DOOMED)
                .atMost(Duration.ofSeconds(5))
                .until(() -> streamingService.calls("publish-done", DOOMED), calls -> !calls.isEmpty())
                .getFirst();
        Duration dropped = Duration.between(refused.at(), done.at());
        LOG.log(
                System.Logger.Level.INFO,
                "update refused {0} after the broadcast began; publish-done {1} after the refusal",
                Duration.between(doomedStarted, refused.at()),
                dropped);
        assertThat(dropped).as("from the refused update to publish-done").isLessThan(Duration.ofSeconds(2));
    }

    @Test
    @Order(5)
    void theControlPortDropsABroadcasterAndPublishDoneFollows() {
        assertThat(live.isRunning()).as("%s: %s", live, live.log()).isTrue();
        String path = "/control/drop/publisher?app=" + PlatformContainers.MEDIA_SERVER_APPLICATION + "&name=" + LIVE;

        String answer = getInNetwork(PlatformContainers.MEDIA_SERVER_CONTROL_PORT, path);

        assertThat(answer)
                .as("rtmp_control's answer")
                .startsWith("HTTP/1.1 200")
                .endsWith("\r\n\r\n1");
        int exitCode = live.awaitExit(Duration.ofSeconds(10));
        assertThat(exitCode).as("ffmpeg's exit code; its log:%n%s", live.log()).isNotZero();
        await("publish-done of " + LIVE)
                .atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(streamingService.calls("publish-done", LIVE))
                        .singleElement()
                        .satisfies(done -> assertThat(done.form())
                                .containsEntry("call", "publish_done")
                                .containsEntry("key", KEY)));
        assertThat(getInNetwork(PlatformContainers.MEDIA_SERVER_CONTROL_PORT, path))
                .as("nobody left to drop")
                .endsWith("\r\n\r\n0");
    }

    @Test
    @Order(6)
    void onlyRtmpAndHlsArePublishedAndEveryCallbackCarriedTheSecretInHttp11() {
        var bindings = docker.inspect(mediaServer.id())
                .orElseThrow()
                .getHostConfig()
                .getPortBindings()
                .getBindings();
        assertThat(bindings.keySet())
                .containsExactlyInAnyOrder(
                        ExposedPort.tcp(PlatformContainers.MEDIA_SERVER_RTMP_PORT),
                        ExposedPort.tcp(PlatformContainers.MEDIA_SERVER_HLS_PORT));
        assertThat(streamingService.calls()).isNotEmpty().allSatisfy(call -> {
            assertThat(call.callback()).isIn("publish", "publish-done", "update");
            assertThat(call.protocol())
                    .as("nginx-rtmp's own HTTP/1.0 goes unanswered by Helidon 4: the relay's")
                    .isEqualTo("HTTP/1.1");
        });
    }

    @Test
    @Order(7)
    void withStreamingServiceUnreachableTheMediaServerStartsAndNobodyCanBroadcast() {
        try (Broadcaster.Broadcast unchecked = orphanBroadcaster.publish("nobody-asked", KEY, Duration.ofSeconds(10))) {
            int exitCode = unchecked.awaitExit(TIMEOUT);

            assertThat(exitCode)
                    .as("ffmpeg's exit code; its log:%n%s", unchecked.log())
                    .isNotZero();
            assertThat(unchecked.log()).contains("Input/output error");
        }
    }

    private static URI hls() {
        return URI.create("http://localhost:" + mediaServer.hostPort(PlatformContainers.MEDIA_SERVER_HLS_PORT) + "/");
    }

    private static void awaitHealthy(RunningContainer container) {
        URI health = URI.create(
                "http://localhost:" + container.hostPort(PlatformContainers.MEDIA_SERVER_HLS_PORT) + "/healthz");
        try {
            await(container.name() + " healthy")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .failFast(container.name() + " stopped", () -> !docker.isRunning(container.id()))
                    .until(() -> get(health).statusCode() == 200);
        } catch (ConditionTimeoutException | TerminalFailureException e) {
            throw new AssertionError(e.getMessage() + "; its log:\n" + docker.logs(container.id()), e);
        }
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The segments a playlist lists, in order. */
    private static List<String> segments(URI playlist) throws IOException, InterruptedException {
        HttpResponse<String> answer = get(playlist);
        if (answer.statusCode() != 200) {
            return List.of();
        }
        return answer.body().lines().filter(line -> line.endsWith(".ts")).toList();
    }

    /**
     * A plain HTTP GET to the media server on the network, as streaming-service calls its control
     * port (which is not published): bash's {@code /dev/tcp} in a container of the ffmpeg image.
     *
     * @return the whole answer, status line, headers and body
     */
    private static String getInNetwork(int port, String path) {
        String script = "exec 3<>/dev/tcp/" + PlatformContainers.MEDIA_SERVER + "/" + port + " && printf 'GET " + path
                + " HTTP/1.0\\r\\nHost: " + PlatformContainers.MEDIA_SERVER + "\\r\\n\\r\\n' >&3 && cat <&3";
        String id = docker.client()
                .createContainerCmd(tools)
                .withName(identity.containerName("control-" + Long.toHexString(System.nanoTime())))
                .withLabels(identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, "client")))
                .withEntrypoint("bash")
                .withCmd("-c", script)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode(identity.networkName()))
                .exec()
                .getId();
        try {
            docker.client().startContainerCmd(id).exec();
            try (var waiting = docker.client().waitContainerCmd(id).exec(new WaitContainerResultCallback())) {
                int exitCode = waiting.awaitStatusCode(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                String output = docker.logs(id);
                assertThat(exitCode).as("GET %s: %s", path, output).isZero();
                return output;
            } catch (DockerClientException notExited) {
                throw new IllegalStateException("GET " + path + " did not end within " + TIMEOUT, notExited);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } finally {
            docker.remove(id);
        }
    }

    private static String describe(List<Call> calls) {
        StringBuilder text = new StringBuilder();
        calls.forEach(call -> text.append("  ")
                .append(call.at())
                .append(' ')
                .append(call.callback())
                .append(' ')
                .append(call.protocol())
                .append(" -> ")
                .append(call.status())
                .append(' ')
                .append(call.form())
                .append('\n'));
        return text.toString();
    }
}
