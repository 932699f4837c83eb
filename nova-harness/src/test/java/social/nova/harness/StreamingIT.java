package social.nova.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.GatewayApi.Account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 13 through the gateway, as a broadcaster and viewers use it, with real video: Debian's
 * ffmpeg in a container publishes a test pattern over RTMP to the stack's media server (nginx-rtmp),
 * which asks streaming-service whether the key may publish, and viewers read the HLS it writes.
 * A stream starts, turns LIVE when the video arrives, plays as HLS that ffprobe decodes, counts its
 * viewers (one who stops renewing drops out), shows its changes as server-sent events, is listed in
 * the feed of the broadcaster's followers while it is live, refuses a wrong key and ends when the
 * broadcaster stops. Then the fault: streaming-service restarted while a
 * stream is live loses neither the stream nor its viewers, and the broadcast goes on.
 */
@ExtendWith(NovaStackExtension.class)
@Order(2)
class StreamingIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /**
     * The stack's presence ttl (nova-harness pom: STREAMING_PRESENCE_TTL): longer than a restart of
     * streaming-service takes, so the fault shows presence surviving it, and short enough to see a
     * viewer drop out while a 15 s broadcast runs.
     */
    private static final Duration PRESENCE_TTL = Duration.ofSeconds(40);
    /** When the broadcast starts after the viewers joined: the leaver's presence expires 8 s into it. */
    private static final Duration BROADCAST_AFTER_JOINS = PRESENCE_TTL.minusSeconds(8);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static NovaStack stack;
    private static GatewayApi gateway;
    private static Broadcaster broadcaster;

    @BeforeAll
    static void stackAndBroadcaster(NovaStack novaStack) {
        stack = novaStack;
        gateway = GatewayApi.of(stack, TIMEOUT);
        broadcaster = Broadcaster.of(stack);
    }

    @Test
    void aBroadcastGoesLivePlaysAsHlsCountsItsViewersAndEndsWhenTheEncoderStops() throws Exception {
        Account ann = gateway.signUp("ann");
        List<Account> viewers = List.of(gateway.signUp("vic"), gateway.signUp("val"), gateway.signUp("vin"));
        Account watcher = viewers.get(0);
        Account steady = viewers.get(1);
        Account leaver = viewers.get(2);
        // The watcher follows Ann, the steady viewer does not: Ann's followers find her stream in
        // their feed while it is live.
        gateway.expect(204, "PUT", "/api/v1/users/" + ann.userId() + "/follow", watcher.accessToken(), null);

        // 1. Ann starts a stream.
        JsonNode started = gateway.expect(
                201,
                "POST",
                "/api/v1/streams",
                ann.accessToken(),
                Map.of("title", "Nova live", "description", "a test"));
        String id = started.path("id").asText();
        assertThat(started.path("status").asText()).isEqualTo("STARTING");
        URI ingestUrl = URI.create(started.path("ingestUrl").asText());
        String key = started.path("streamKey").asText();
        URI playbackUrl = URI.create(started.path("playbackUrl").asText());
        assertThat(ingestUrl).isEqualTo(URI.create(stack.rtmpIngestUri().orElseThrow() + "/" + id));
        assertThat(playbackUrl).isEqualTo(URI.create(stack.hlsUri().orElseThrow() + "/" + id + "/index.m3u8"));
        assertThat(playbackUrl.toString()).doesNotContain(key);
        JsonNode shown = stream(id, watcher);
        assertThat(shown.has("streamKey"))
                .as("the key is for the broadcaster only: %s", shown)
                .isFalse();

        // 6. The watcher follows its events from the start.
        Events events = Events.open(gateway.uri().resolve("/api/v1/streams/" + id + "/events"), watcher);
        await("the first event").atMost(TIMEOUT).until(() -> !events.received().isEmpty());
        assertThat(events.received().getFirst().path("status").asText()).isEqualTo("STARTING");

        // 5. Three viewers join, waiting for the video (a STARTING stream can be joined): the count
        // reads 3.
        for (Account viewer : viewers) {
            gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", viewer.accessToken(), null);
        }
        long joined = System.nanoTime();
        JsonNode three = stream(id, ann);
        assertThat(three.path("viewerCount").asLong()).isEqualTo(3);
        assertThat(three.path("peakViewers").asLong()).isEqualTo(3);

        // 7. A wrong key is refused by the media server: the encoder fails, the stream waits.
        try (Broadcaster.Broadcast intruder = broadcaster.publishTo(ingestUrl, key + "x", Duration.ofSeconds(15))) {
            assertThat(intruder.awaitExit(TIMEOUT))
                    .as("ffmpeg's exit; its log:%n%s", intruder.log())
                    .isNotZero();
        }
        assertThat(stream(id, ann).path("status").asText()).isEqualTo("STARTING");

        // The watcher's open event stream renews their presence, the steady viewer sends heartbeats
        // (joins again, as an app does every third of the ttl), the leaver goes without calling
        // leave. The broadcast starts so that the leaver's presence expires while it runs.
        long broadcastAt = joined + BROADCAST_AFTER_JOINS.toNanos();
        while (System.nanoTime() < broadcastAt) {
            gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", steady.accessToken(), null);
            Thread.sleep(Math.max(0, Math.min(5000, (broadcastAt - System.nanoTime()) / 1_000_000)));
        }
        assertThat(stream(id, ann).path("viewerCount").asLong()).isEqualTo(3);

        // 2. ffmpeg publishes a 15 s test pattern to the ingest URL with the key.
        try (Broadcaster.Broadcast live = broadcaster.publishTo(ingestUrl, key, Duration.ofSeconds(15))) {
            // 3. LIVE as the video arrives (the publish callback is the first frame's handshake).
            long sent = System.nanoTime();
            await("LIVE")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> "LIVE".equals(stream(id, ann).path("status").asText()));
            System.out.printf(
                    "key to LIVE: %d ms (ffmpeg's container start included)%n", (System.nanoTime() - sent) / 1_000_000);
            assertThat(ids(gateway.expect(200, "GET", "/api/v1/streams/live?limit=100", watcher.accessToken(), null)))
                    .contains(id);
            // A follower's feed lists the stream (feed-service hears StreamStarted); others' do not.
            long liveSeen = System.nanoTime();
            JsonNode listed = await("the stream in a follower's feed")
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> liveInFeed(watcher, id), Optional::isPresent)
                    .orElseThrow();
            System.out.printf("LIVE to a follower's feed: %d ms%n", (System.nanoTime() - liveSeen) / 1_000_000);
            assertThat(listed.path("ownerId").asText()).isEqualTo(ann.userId());
            assertThat(listed.path("title").asText()).isEqualTo("Nova live");
            assertThat(listed.path("playbackUrl").asText()).isEqualTo(playbackUrl.toString());
            assertThat(listed.path("liveAt").isTextual()).as(listed.toString()).isTrue();
            assertThat(liveInFeed(steady, id))
                    .as("the feed of a viewer who does not follow Ann")
                    .isEmpty();

            // 4. The playlist lists at least 2 segments, and ffprobe decodes one.
            List<String> segments = await("2 segments in " + playbackUrl)
                    .atMost(TIMEOUT)
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> segments(playbackUrl), found -> found.size() >= 2);
            Broadcaster.StreamInfo decoded = broadcaster.ffprobe(playbackUrl.resolve(segments.getFirst()));
            assertThat(decoded.video()).hasValueSatisfying(video -> {
                assertThat(video.codec()).isEqualTo("h264");
                assertThat(video.width()).isEqualTo(640);
                assertThat(video.height()).isEqualTo(360);
                assertThat(video.frames()).isPositive();
            });
            assertThat(decoded.audio())
                    .hasValueSatisfying(audio -> assertThat(audio.codec()).isEqualTo("aac"));

            // The leaver's presence expires; the others stay counted.
            long heartbeatsUntil = joined + PRESENCE_TTL.plusSeconds(4).toNanos();
            while (System.nanoTime() < heartbeatsUntil
                    && stream(id, ann).path("viewerCount").asLong() != 2) {
                gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", steady.accessToken(), null);
                Thread.sleep(1000);
            }
            JsonNode two = stream(id, ann);
            assertThat(two.path("viewerCount").asLong())
                    .as("after %s's presence expired", leaver.username())
                    .isEqualTo(2);
            assertThat(two.path("peakViewers").asLong()).isEqualTo(3);

            // 8. When ffmpeg stops (15 s of video), the stream ends and leaves the live list.
            assertThat(live.awaitExit(TIMEOUT))
                    .as("ffmpeg's exit; its log:%n%s", live.log())
                    .isZero();
        }
        await("ENDED")
                .atMost(TIMEOUT)
                .until(() -> "ENDED".equals(stream(id, ann).path("status").asText()));
        JsonNode ended = stream(id, ann);
        assertThat(ended.path("endedAt").isTextual()).as(ended.toString()).isTrue();
        assertThat(ended.path("viewerCount").asLong()).isZero();
        assertThat(ended.path("peakViewers").asLong()).isEqualTo(3);
        assertThat(ids(gateway.expect(200, "GET", "/api/v1/streams/live?limit=100", watcher.accessToken(), null)))
                .doesNotContain(id);
        gateway.call("POST", "/api/v1/streams/" + id + "/join", steady.accessToken(), null)
                .assertError(400, "FAILED_PRECONDITION", "STREAM_ENDED");
        await("the ended stream out of the follower's feed")
                .atMost(TIMEOUT)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> liveInFeed(watcher, id).isEmpty());

        // 6. The event stream showed the changes (each one once) and closed after the end.
        await("the event stream to end").atMost(TIMEOUT).until(events::ended);
        List<String> statuses = events.received().stream()
                .map(event -> event.path("status").asText())
                .distinct()
                .toList();
        assertThat(statuses).containsExactly("STARTING", "LIVE", "ENDED");
        assertThat(events.received().stream()
                        .map(event -> event.path("viewerCount").asLong()))
                .contains(3L, 2L);
        assertThat(events.received().getLast().path("status").asText()).isEqualTo("ENDED");
        List<JsonNode> received = events.received();
        for (int i = 1; i < received.size(); i++) {
            assertThat(received.get(i)).as("event %d repeats the one before", i).isNotEqualTo(received.get(i - 1));
        }
    }

    @Test
    void streamingServiceRestartedMidStreamLosesNeitherTheStreamNorItsViewers() throws Exception {
        Account bea = gateway.signUp("bea");
        List<Account> viewers = List.of(gateway.signUp("vera"), gateway.signUp("vito"));
        JsonNode started =
                gateway.expect(201, "POST", "/api/v1/streams", bea.accessToken(), Map.of("title", "restart"));
        String id = started.path("id").asText();
        URI ingestUrl = URI.create(started.path("ingestUrl").asText());
        URI playbackUrl = URI.create(started.path("playbackUrl").asText());
        try (Broadcaster.Broadcast live =
                broadcaster.publishTo(ingestUrl, started.path("streamKey").asText(), Duration.ofSeconds(90))) {
            await("LIVE")
                    .atMost(TIMEOUT)
                    .until(() -> "LIVE".equals(stream(id, bea).path("status").asText()));
            for (Account viewer : viewers) {
                gateway.expect(204, "POST", "/api/v1/streams/" + id + "/join", viewer.accessToken(), null);
            }
            assertThat(stream(id, bea).path("viewerCount").asLong()).isEqualTo(2);

            // Stopped for 10 s, so the media server's update (every 10 s) finds nobody at least once,
            // then started again: the viewers, who send nothing meanwhile, are still counted after
            // it (their presence lasts longer than the restart).
            for (ServiceInstance instance : stack.instances("streaming-service")) {
                stack.stop(instance);
            }
            Thread.sleep(Duration.ofSeconds(10));
            assertThat(live.isRunning())
                    .as("the broadcast goes on without streaming-service: %s", live.log())
                    .isTrue();
            for (ServiceInstance instance : List.copyOf(stack.instances("streaming-service"))) {
                stack.restart(instance);
            }

            JsonNode after = await("streaming-service back through the gateway")
                    .atMost(TIMEOUT)
                    .until(
                            () -> gateway.get("/api/v1/streams/" + id, bea.accessToken()),
                            answer -> answer.status() == 200)
                    .body();
            assertThat(after.path("status").asText()).isEqualTo("LIVE");
            assertThat(after.path("viewerCount").asLong())
                    .as("viewers kept in Redis across the restart")
                    .isEqualTo(2);
            assertThat(live.isRunning()).isTrue();
            // The media server's updates are answered again, and the playlist keeps growing.
            List<String> before = segments(playbackUrl);
            await("new segments").atMost(TIMEOUT).until(() -> !before.containsAll(segments(playbackUrl)));
            gateway.expect(204, "POST", "/api/v1/streams/" + id + "/end", bea.accessToken(), null);
            assertThat(live.awaitExit(TIMEOUT))
                    .as("ending the stream disconnects the encoder")
                    .isNotZero();
        }
        assertThat(stream(id, bea).path("status").asText()).isEqualTo("ENDED");
    }

    private static JsonNode stream(String id, Account caller) throws IOException, InterruptedException {
        return gateway.expect(200, "GET", "/api/v1/streams/" + id, caller.accessToken(), null);
    }

    /** The stream {@code id} among the live streams on the first page of {@code user}'s feed. */
    private static Optional<JsonNode> liveInFeed(Account user, String id) throws IOException, InterruptedException {
        JsonNode feed = gateway.expect(200, "GET", "/api/v1/feed?limit=1", user.accessToken(), null);
        assertThat(feed.path("liveStreams").isArray()).as(feed.toString()).isTrue();
        return StreamSupport.stream(feed.path("liveStreams").spliterator(), false)
                .filter(stream -> id.equals(stream.path("id").asText()))
                .findFirst();
    }

    private static List<String> ids(JsonNode page) {
        return Stream.of(page.path("items"))
                .flatMap(items -> java.util.stream.StreamSupport.stream(items.spliterator(), false))
                .map(item -> item.path("id").asText())
                .toList();
    }

    /** The segment URIs a playlist lists (relative to it); none while it does not exist. */
    private static List<String> segments(URI playlist) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(playlist).timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return List.of();
        }
        return response.body()
                .lines()
                .filter(line -> !line.isBlank() && !line.startsWith("#"))
                .toList();
    }

    /** A client of {@code GET /api/v1/streams/{id}/events}: the JSON of each event. */
    private static final class Events {
        private final List<JsonNode> received = new CopyOnWriteArrayList<>();
        private volatile CompletableFuture<?> done;

        static Events open(URI uri, Account viewer) {
            Events events = new Events();
            events.done = HTTP.sendAsync(
                            HttpRequest.newBuilder(uri)
                                    .header("Authorization", "Bearer " + viewer.accessToken())
                                    .header("Accept", "text/event-stream")
                                    .build(),
                            HttpResponse.BodyHandlers.ofLines())
                    .thenAccept(response -> {
                        assertThat(response.statusCode()).isEqualTo(200);
                        assertThat(response.headers().firstValue("Content-Type"))
                                .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
                        response.body().forEach(events::line);
                    });
            return events;
        }

        private void line(String line) {
            if (line.startsWith("data:")) {
                try {
                    received.add(GatewayApi.JSON.readTree(
                            line.substring("data:".length()).strip()));
                } catch (IOException e) {
                    throw new IllegalStateException("not JSON: " + line, e);
                }
            }
        }

        List<JsonNode> received() {
            return List.copyOf(received);
        }

        boolean ended() {
            if (done.isCompletedExceptionally()) {
                done.join(); // throws what went wrong
            }
            return done.isDone();
        }
    }
}
