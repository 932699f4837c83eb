package social.nova.streaming;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.streaming.v1.EndStreamRequest;
import social.nova.contracts.streaming.v1.GetStreamRequest;
import social.nova.contracts.streaming.v1.GetStreamResponse;
import social.nova.contracts.streaming.v1.GetViewerCountRequest;
import social.nova.contracts.streaming.v1.GetViewerCountResponse;
import social.nova.contracts.streaming.v1.JoinStreamRequest;
import social.nova.contracts.streaming.v1.JoinStreamResponse;
import social.nova.contracts.streaming.v1.LeaveStreamRequest;
import social.nova.contracts.streaming.v1.ListLiveStreamsRequest;
import social.nova.contracts.streaming.v1.ListLiveStreamsResponse;
import social.nova.contracts.streaming.v1.LiveStream;
import social.nova.contracts.streaming.v1.StartStreamRequest;
import social.nova.contracts.streaming.v1.StartStreamResponse;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * streaming-service over real gRPC on real PostgreSQL and Redis, its media-server callbacks made as
 * nginx-rtmp makes them; user-service (blocks) and auth-service (the tokens' key set) are
 * registered stub servers ({@link Platform}).
 */
class StreamingServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Platform platform = Platform.shared();

    @AfterEach
    void everyCallToADependencyWasStubbed() {
        assertThat(platform.users.stubs().unmatched())
                .as("calls to user-service no stub matched")
                .isEmpty();
        assertThat(platform.auth.stub().stubs().unmatched())
                .as("calls to auth-service no stub matched")
                .isEmpty();
    }

    @Test
    void aStartedStreamTellsOnlyItsOwnerWhereToPublishAndStoresNoKey() throws Exception {
        Platform.User owner = platform.register();
        StartStreamResponse started = start(owner, "  Friday night coding \n", "pairing on Nova");
        LiveStream stream = started.getStream();
        assertThat(stream.getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_STARTING);
        assertThat(stream.getTitle()).isEqualTo("Friday night coding");
        assertThat(stream.getDescription()).isEqualTo("pairing on Nova");
        assertThat(stream.getOwnerId()).isEqualTo(owner.id());
        assertThat(stream.getViewerCount()).isZero();
        assertThat(stream.hasEndedAt()).isFalse();
        assertThat(started.getIngestUrl()).isEqualTo("rtmp://media.example:1935/live/" + stream.getId());
        assertThat(stream.getPlaybackUrl()).isEqualTo("https://media.example/hls/" + stream.getId() + "/index.m3u8");
        assertThat(started.getStreamKey()).hasSizeGreaterThanOrEqualTo(43).doesNotContain(stream.getId());

        try (var connection = java.sql.DriverManager.getConnection(
                        SharedContainers.postgres().getJdbcUrl(),
                        SharedContainers.SUPERUSER,
                        SharedContainers.SUPERUSER_PASSWORD);
                var query = connection.prepareStatement("SELECT key_hash FROM streaming.streams WHERE id = ?::uuid")) {
            query.setString(1, stream.getId());
            try (var rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                byte[] stored = rows.getBytes(1);
                assertThat(stored).hasSize(32).isEqualTo(Streams.hash(started.getStreamKey()));
                assertThat(new String(stored, java.nio.charset.StandardCharsets.ISO_8859_1))
                        .doesNotContain(started.getStreamKey());
            }
        }
    }

    @Test
    void badInputIsRefusedFieldByField() {
        Platform.User owner = platform.register();
        var streaming = platform.as(owner);
        assertThat(violatedFields(() -> streaming.startStream(
                        StartStreamRequest.newBuilder().setTitle("   ").build())))
                .containsExactly("title");
        assertThat(violatedFields(() -> streaming.startStream(StartStreamRequest.newBuilder()
                        .setTitle("t".repeat(101))
                        .setDescription("d".repeat(501))
                        .build())))
                .containsExactly("title", "description");
        // 100 characters are 100 code points, however many UTF-16 units they take.
        assertThat(streaming
                        .startStream(StartStreamRequest.newBuilder()
                                .setTitle("🎥".repeat(100))
                                .build())
                        .getStream()
                        .getTitle())
                .hasSize(200);
        assertThat(violatedFields(() -> streaming.joinStream(
                        JoinStreamRequest.newBuilder().setStreamId("not-a-uuid").build())))
                .containsExactly("stream_id");
        assertThat(violatedFields(() -> streaming.endStream(EndStreamRequest.getDefaultInstance())))
                .containsExactly("stream_id");
        assertThat(violatedFields(() -> streaming.listLiveStreams(ListLiveStreamsRequest.newBuilder()
                        .setPage(PageRequest.newBuilder().setLimit(1000))
                        .build())))
                .containsExactly("page.limit");
        assertThat(failure(() -> platform.anonymously()
                                .startStream(StartStreamRequest.newBuilder()
                                        .setTitle("no token")
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        NovaException unknown = failure(() -> streaming.joinStream(JoinStreamRequest.newBuilder()
                .setStreamId(java.util.UUID.randomUUID().toString())
                .build()));
        assertThat(unknown.code()).isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void aUserHasOneOpenStreamAtATimeAndOnlyTheOwnerEndsIt() {
        Platform.User owner = platform.register();
        Platform.User other = platform.register();
        LiveStream first = start(owner, "first", "").getStream();

        NovaException again = failure(() -> start(owner, "second", ""));
        assertThat(again.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(again.reason()).contains("ALREADY_LIVE");
        assertThat(again.metadata()).containsEntry("stream_id", first.getId());

        NovaException notOwner = failure(() -> platform.as(other).endStream(end(first.getId())));
        assertThat(notOwner.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(notOwner.reason()).contains("NOT_OWNER");

        LiveStream ended = platform.as(owner).endStream(end(first.getId())).getStream();
        assertThat(ended.getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        assertThat(ended.hasEndedAt()).isTrue();
        // Ending again is a success with the same answer: safe to retry.
        assertThat(platform.as(owner).endStream(end(first.getId())).getStream()).isEqualTo(ended);

        NovaException join = failure(() -> platform.as(other).joinStream(join(first.getId())));
        assertThat(join.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(join.reason()).contains("STREAM_ENDED");
        platform.as(other)
                .leaveStream(LeaveStreamRequest.newBuilder()
                        .setStreamId(first.getId())
                        .build());

        assertThat(start(owner, "second", "").getStream().getId()).isNotEqualTo(first.getId());
    }

    @Test
    void startingStreamsTooOftenIsRateLimited() {
        Platform.User owner = platform.register();
        for (int i = 0; i < 5; i++) {
            String id = start(owner, "take " + i, "").getStream().getId();
            platform.as(owner).endStream(end(id));
        }
        NovaException limited = failure(() -> start(owner, "one too many", ""));
        assertThat(limited.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(limited.reason()).contains("RATE_LIMITED");
    }

    @Test
    void onlyTheStreamsKeyPublishesAndTheStreamLivesAndEndsWithItsPublisher() throws Exception {
        Platform.User owner = platform.register();
        StartStreamResponse started = start(owner, "live soon", "");
        String id = started.getStream().getId();
        String key = started.getStreamKey();

        assertThat(platform.callback("wrong-secret-of-the-same-length", "publish", id, key))
                .isEqualTo(403);
        assertThat(platform.callback("publish", id, key + "x")).isEqualTo(403);
        assertThat(platform.callback("publish", id, null)).isEqualTo(403);
        assertThat(platform.callback("publish", "not-a-uuid", key)).isEqualTo(403);
        assertThat(status(owner, id)).isEqualTo(StreamStatus.STREAM_STATUS_STARTING);

        assertThat(platform.callback("publish", id, key)).isEqualTo(204);
        assertThat(status(owner, id)).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);
        // A second encoder with the same key while the first publishes is refused.
        assertThat(platform.callback("publish", id, key)).isEqualTo(403);
        assertThat(platform.callback("update", id, key)).isEqualTo(204);
        assertThat(platform.callback("update", id, "guess")).isEqualTo(403);

        // Someone's refused publish ending (publish-done with another key) ends nothing.
        assertThat(platform.callback("publish-done", id, "guess")).isEqualTo(204);
        assertThat(status(owner, id)).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);

        assertThat(platform.callback("publish-done", id, key)).isEqualTo(204);
        assertThat(status(owner, id)).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        // The media server's next update of a publisher still connected is refused: it is dropped.
        assertThat(platform.callback("update", id, key)).isEqualTo(403);
        assertThat(platform.callback("publish", id, key)).isEqualTo(403);

        List<Map<String, String>> events = awaitEvents(id, 2);
        assertThat(events).extracting(event -> event.get("event-type")).containsExactly("StreamStarted", "StreamEnded");
        JsonNode startedEvent = JSON.readTree(events.get(0).get("payload"));
        assertThat(startedEvent.get("ownerId").asText()).isEqualTo(owner.id());
        assertThat(startedEvent.get("title").asText()).isEqualTo("live soon");
        assertThat(startedEvent.get("playbackUrl").asText()).endsWith(id + "/index.m3u8");
        JsonNode endedEvent = JSON.readTree(events.get(1).get("payload"));
        assertThat(endedEvent.get("reason").asText()).isEqualTo("PUBLISHER_STOPPED");
        assertThat(endedEvent.get("wentLive").asBoolean()).isTrue();
        assertThat(events.toString()).doesNotContain(key);
    }

    @Test
    void viewersAreCountedOnceUntilTheyLeaveOrTheirPresenceExpires() throws Exception {
        Platform.User owner = platform.register();
        String id = live(owner);
        List<Platform.User> viewers = List.of(platform.register(), platform.register(), platform.register());
        platform.pinBlockCheck(viewers.getFirst(), owner);
        for (Platform.User viewer : viewers) {
            JoinStreamResponse joined = platform.as(viewer).joinStream(join(id));
            assertThat(joined.getStream().getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);
            assertThat(joined.getPresenceExpiresAt().getSeconds())
                    .isBetween(
                            java.time.Instant.now().plus(Platform.PRESENCE_TTL).getEpochSecond() - 2,
                            java.time.Instant.now().plus(Platform.PRESENCE_TTL).getEpochSecond() + 1);
        }
        // Reading the stream counts nobody; joining again counts once.
        GetStreamResponse read = platform.as(platform.register()).getStream(get(id));
        assertThat(read.getStream().getViewerCount()).isEqualTo(3);
        assertThat(read.getPeakViewerCount()).isEqualTo(3);
        assertThat(platform.as(viewers.getFirst())
                        .joinStream(join(id))
                        .getStream()
                        .getViewerCount())
                .isEqualTo(3);
        assertThat(count(owner, id)).isEqualTo(counts(3, 3));

        platform.as(viewers.get(1))
                .leaveStream(LeaveStreamRequest.newBuilder().setStreamId(id).build());
        assertThat(count(owner, id)).isEqualTo(counts(2, 3));

        // Nobody renews: every presence expires after the ttl, the peak stays.
        await().atMost(Platform.PRESENCE_TTL.plusSeconds(3))
                .until(() -> count(owner, id).getViewerCount() == 0);
        assertThat(count(owner, id).getPeakViewerCount()).isEqualTo(3);

        platform.as(viewers.getFirst()).joinStream(join(id));
        platform.as(owner).endStream(end(id));
        // Ended: nobody is counted, the peak is kept.
        assertThat(count(owner, id)).isEqualTo(counts(0, 3));
        GetStreamResponse ended = platform.as(viewers.get(2)).getStream(get(id));
        assertThat(ended.getStream().getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        assertThat(ended.getStream().hasEndedAt()).isTrue();
        assertThat(ended.getStream().getViewerCount()).isZero();
        assertThat(ended.getPeakViewerCount()).isEqualTo(3);
    }

    @Test
    void aBlockedViewerFindsNoStream() {
        Platform.User owner = platform.register();
        Platform.User blocked = platform.register();
        Platform.User fan = platform.register();
        String id = live(owner);
        platform.block(owner, blocked);

        NovaException join = failure(() -> platform.as(blocked).joinStream(join(id)));
        assertThat(join.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(join.getMessage()).doesNotContain("block");
        WatchRecorder watch = new WatchRecorder();
        platform.asyncAs(blocked).watchStream(watch(id), watch);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.ended() != null);
        assertThat(watch.ended().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(liveIds(blocked)).doesNotContain(id);
        assertThat(liveIds(fan)).contains(id);
        assertThat(failure(() -> platform.as(blocked).getStream(get(id))).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(platform.as(fan).getStream(get(id)).getStream().getOwnerId()).isEqualTo(owner.id());
        platform.as(owner).endStream(end(id));
    }

    @Test
    void liveStreamsArePagedNewestFirstAndLeaveWhenTheyEnd() {
        Platform.User viewer = platform.register();
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            mine.add(live(platform.register()));
        }
        Platform.User quiet = platform.register();
        String starting = start(quiet, "not live yet", "").getStream().getId();

        List<String> seen = new ArrayList<>();
        String cursor = "";
        do {
            ListLiveStreamsResponse page = platform.as(viewer)
                    .listLiveStreams(ListLiveStreamsRequest.newBuilder()
                            .setPage(PageRequest.newBuilder().setLimit(2).setCursor(cursor))
                            .build());
            assertThat(page.getStreamsList()).hasSizeLessThanOrEqualTo(2);
            page.getStreamsList().forEach(stream -> {
                assertThat(stream.getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);
                seen.add(stream.getId());
            });
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());
        assertThat(seen).doesNotHaveDuplicates().doesNotContain(starting);
        // Most recently started first.
        assertThat(seen.stream().filter(mine::contains).toList()).containsExactlyElementsOf(mine.reversed());

        platform.as(owner(mine.getFirst())).endStream(end(mine.getFirst()));
        assertThat(liveIds(viewer)).doesNotContain(mine.getFirst()).contains(mine.get(1), mine.get(2));
        platform.as(quiet).endStream(end(starting));
    }

    @Test
    void watchersSeeTheStateAtOnceThenEveryChangeAtMostOnceASecondAndTheEnd() throws Exception {
        Platform.User owner = platform.register();
        StartStreamResponse started = start(owner, "watch me", "");
        String id = started.getStream().getId();
        Platform.User viewer = platform.register();
        WatchRecorder watch = new WatchRecorder();
        platform.asyncAs(viewer).watchStream(watch(id), watch);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.last() != null);
        assertThat(watch.last().getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_STARTING);

        assertThat(platform.callback("publish", id, started.getStreamKey())).isEqualTo(204);
        awaitLast(watch, StreamStatus.STREAM_STATUS_LIVE, 0);

        // A burst of joins shows as few updates, the last with every viewer.
        List<Platform.User> viewers = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            Platform.User joining = platform.register();
            viewers.add(joining);
            platform.as(joining).joinStream(join(id));
        }
        awaitLast(watch, StreamStatus.STREAM_STATUS_LIVE, 5);

        // The watcher joined too: an open WatchStream keeps them counted past the presence ttl.
        platform.as(viewer).joinStream(join(id));
        awaitLast(watch, StreamStatus.STREAM_STATUS_LIVE, 6);
        viewers.forEach(joined -> platform.as(joined)
                .leaveStream(LeaveStreamRequest.newBuilder().setStreamId(id).build()));
        // The media server keeps reporting the publisher meanwhile (else the stream would end).
        for (int i = 0; i <= Platform.PRESENCE_TTL.toSeconds(); i++) {
            assertThat(platform.callback("update", id, started.getStreamKey())).isEqualTo(204);
            Thread.sleep(1000);
        }
        assertThat(count(owner, id).getViewerCount()).isEqualTo(1);
        awaitLast(watch, StreamStatus.STREAM_STATUS_LIVE, 1);

        platform.as(owner).endStream(end(id));
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.ended() != null);
        assertThat(watch.ended().getCode()).isEqualTo(Status.Code.OK);
        assertThat(watch.last().getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        assertThat(watch.last().getViewerCount()).isZero();

        List<WatchStreamResponse> updates = watch.updates();
        for (int i = 1; i < updates.size(); i++) {
            assertThat(updates.get(i)).as("update %d repeats the one before", i).isNotEqualTo(updates.get(i - 1));
        }
        // At most one update per watch interval (0.5 s here), the first state included: measured
        // where the client receives them, with 0.2 s for a busy machine's scheduling.
        List<Long> arrivals = watch.arrivals();
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(arrivals.get(i) - arrivals.get(i - 1))
                    .as("ms between updates %d and %d", i - 1, i)
                    .isGreaterThanOrEqualTo(300);
        }

        // Watching an ended stream: its final state, then OK.
        WatchRecorder late = new WatchRecorder();
        platform.asyncAs(viewer).watchStream(watch(id), late);
        await().atMost(Duration.ofSeconds(5)).until(() -> late.ended() != null);
        assertThat(late.ended().getCode()).isEqualTo(Status.Code.OK);
        assertThat(late.updates())
                .singleElement()
                .satisfies(update -> assertThat(update.getStatus()).isEqualTo(StreamStatus.STREAM_STATUS_ENDED));
    }

    @Test
    void instancesShareStreamsAndViewersSoARestartLosesNeither() throws Exception {
        Platform.User owner = platform.register();
        String id = live(owner);
        Platform.User watcher = platform.register();
        RunningService second = Platform.startInstance();
        ManagedChannel secondChannel = Platform.channelTo(second);
        try {
            WatchRecorder watch = new WatchRecorder();
            social.nova.contracts.streaming.v1.StreamingServiceGrpc.newStub(
                            io.grpc.ClientInterceptors.intercept(secondChannel, bearer(watcher)))
                    .watchStream(watch(id), watch);
            await().atMost(Duration.ofSeconds(5)).until(() -> watch.last() != null);
            // Viewers join through the first instance; the second counts them.
            for (int i = 0; i < 2; i++) {
                platform.as(platform.register()).joinStream(join(id));
            }
            awaitLast(watch, StreamStatus.STREAM_STATUS_LIVE, 2);
            assertThat(Platform.as(secondChannel, owner)
                            .getViewerCount(GetViewerCountRequest.newBuilder()
                                    .setStreamId(id)
                                    .build())
                            .getViewerCount())
                    .isEqualTo(2);

            // The second instance goes away: its watcher is told to reconnect, nothing is lost.
            second.stop();
            await().atMost(Duration.ofSeconds(15)).until(() -> watch.ended() != null);
            assertThat(watch.ended().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(count(owner, id).getViewerCount()).isEqualTo(2);
            assertThat(status(owner, id)).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);
        } finally {
            secondChannel.shutdownNow();
            second.stop();
            platform.as(owner).endStream(end(id));
        }
    }

    @Test
    void streamsWithoutVideoOrWhosePublisherVanishedEndByThemselves() throws Exception {
        Platform.User silent = platform.register();
        String never = start(silent, "nobody comes", "").getStream().getId();
        Platform.User broadcaster = platform.register();
        String vanished = live(broadcaster);
        Platform.User steady = platform.register();
        StartStreamResponse steadyStarted = start(steady, "keeps reporting", "");
        String kept = steadyStarted.getStream().getId();
        platform.callback("publish", kept, steadyStarted.getStreamKey());

        long deadline = System.nanoTime()
                + Platform.START_TIMEOUT
                        .plus(Platform.PUBLISHER_TIMEOUT)
                        .plusSeconds(4)
                        .toNanos();
        while (System.nanoTime() < deadline
                && (status(silent, never) != StreamStatus.STREAM_STATUS_ENDED
                        || status(broadcaster, vanished) != StreamStatus.STREAM_STATUS_ENDED)) {
            // The media server reports the steady publisher every second; the vanished one never.
            assertThat(platform.callback("update", kept, steadyStarted.getStreamKey()))
                    .isEqualTo(204);
            Thread.sleep(1000);
        }
        assertThat(status(silent, never)).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        assertThat(status(broadcaster, vanished)).isEqualTo(StreamStatus.STREAM_STATUS_ENDED);
        assertThat(status(steady, kept)).isEqualTo(StreamStatus.STREAM_STATUS_LIVE);
        assertThat(JSON.readTree(awaitEvents(never, 1).getLast().get("payload"))
                        .get("reason")
                        .asText())
                .isEqualTo("NEVER_PUBLISHED");
        assertThat(JSON.readTree(awaitEvents(vanished, 2).getLast().get("payload"))
                        .get("reason")
                        .asText())
                .isEqualTo("PUBLISHER_LOST");
        platform.as(steady).endStream(end(kept));
    }

    // Helpers.

    private StartStreamResponse start(Platform.User owner, String title, String description) {
        return platform.as(owner)
                .startStream(StartStreamRequest.newBuilder()
                        .setTitle(title)
                        .setDescription(description)
                        .build());
    }

    private final Map<String, Platform.User> owners = new java.util.concurrent.ConcurrentHashMap<>();

    /** A LIVE stream of {@code owner}'s (started and published to); its id. */
    private String live(Platform.User owner) {
        StartStreamResponse started = start(owner, "live by " + owner.id(), "");
        String id = started.getStream().getId();
        owners.put(id, owner);
        try {
            assertThat(platform.callback("publish", id, started.getStreamKey())).isEqualTo(204);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return id;
    }

    private Platform.User owner(String streamId) {
        return owners.get(streamId);
    }

    private StreamStatus status(Platform.User caller, String id) {
        WatchRecorder watch = new WatchRecorder();
        platform.asyncAs(caller).watchStream(watch(id), watch);
        await().atMost(Duration.ofSeconds(5)).until(() -> watch.last() != null || watch.ended() != null);
        if (watch.ended() == null) {
            watch.cancel();
        }
        assertThat(watch.last()).as("the first update of WatchStream").isNotNull();
        return watch.last().getStatus();
    }

    private GetViewerCountResponse count(Platform.User caller, String id) {
        return platform.as(caller)
                .getViewerCount(
                        GetViewerCountRequest.newBuilder().setStreamId(id).build());
    }

    private static GetViewerCountResponse counts(long viewers, long peak) {
        return GetViewerCountResponse.newBuilder()
                .setViewerCount(viewers)
                .setPeakViewerCount(peak)
                .build();
    }

    private Set<String> liveIds(Platform.User caller) {
        Set<String> ids = new HashSet<>();
        String cursor = "";
        do {
            ListLiveStreamsResponse page = platform.as(caller)
                    .listLiveStreams(ListLiveStreamsRequest.newBuilder()
                            .setPage(PageRequest.newBuilder().setLimit(100).setCursor(cursor))
                            .build());
            page.getStreamsList().forEach(stream -> ids.add(stream.getId()));
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());
        return ids;
    }

    private static void awaitLast(WatchRecorder watch, StreamStatus status, long viewers) {
        await().atMost(Duration.ofSeconds(5))
                .until(() -> watch.last() != null
                        && watch.last().getStatus() == status
                        && watch.last().getViewerCount() == viewers);
    }

    private static EndStreamRequest end(String id) {
        return EndStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static GetStreamRequest get(String id) {
        return GetStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static JoinStreamRequest join(String id) {
        return JoinStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static WatchStreamRequest watch(String id) {
        return WatchStreamRequest.newBuilder().setStreamId(id).build();
    }

    private static io.grpc.ClientInterceptor bearer(Platform.User user) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(
                io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER),
                "Bearer " + user.accessToken());
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    private static List<Map<String, String>> awaitEvents(String streamId, int count) {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            return await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () ->
                                    redis
                                            .xrange("nova.events.stream", (StreamEntryID) null, (StreamEntryID) null)
                                            .stream()
                                            .map(entry -> entry.getFields())
                                            .filter(fields -> streamId.equals(fields.get("aggregate-id")))
                                            .toList(),
                            events -> events.size() >= count);
        }
    }
}
