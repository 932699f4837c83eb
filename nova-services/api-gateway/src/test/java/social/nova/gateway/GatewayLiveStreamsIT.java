package social.nova.gateway;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.streaming.v1.EndStreamResponse;
import social.nova.contracts.streaming.v1.GetStreamResponse;
import social.nova.contracts.streaming.v1.JoinStreamResponse;
import social.nova.contracts.streaming.v1.LeaveStreamResponse;
import social.nova.contracts.streaming.v1.ListLiveStreamsResponse;
import social.nova.contracts.streaming.v1.LiveStream;
import social.nova.contracts.streaming.v1.StartStreamResponse;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Live streams through the gateway, in front of a streaming-service stub: each route's call (with the
 * caller's token), the JSON it writes (201 with the ingest URL and key, the stream with its peak
 * viewers, the live list without), 204 for join, leave and end, streaming's refusals mapped to HTTP
 * with the API's field names, the edge's own 400s and 401s, and the event stream's answers that are
 * not a stream (404 before the first update, 204 for an ended stream, 406). The event stream itself,
 * live, is {@link GatewayLiveStreamEventsIT}.
 */
class GatewayLiveStreamsIT {
    private static final String DOMAIN = "streaming.nova.social";
    private static final Instant STARTED = Instant.parse("2026-12-05T18:00:00.250Z");
    private static final Instant ENDED = Instant.parse("2026-12-05T19:30:00Z");

    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void aNewStreamIs201WithWhereToSendTheVideo() {
        GatewayFixture.Caller broadcaster = fixture.signIn();
        LiveStream starting = stream(broadcaster.userId(), "Night climb", StreamStatus.STREAM_STATUS_STARTING)
                .setDescription("Slow and steady")
                .build();
        fixture.streaming
                .stubs()
                .stub(StreamingServiceGrpc.getStartStreamMethod())
                .whenHeader("authorization", broadcaster.bearer())
                .whenField("title", "Night climb")
                .whenField("description", "Slow and steady")
                .willReturn(StartStreamResponse.newBuilder()
                        .setStream(starting)
                        .setIngestUrl("rtmp://ingest.nova.social/live")
                        .setStreamKey("sk_live_secret")
                        .build());

        var started = client.post(
                "/api/v1/streams",
                Map.of("title", "Night climb", "description", "Slow and steady"),
                broadcaster.accessToken());

        assertThat(started.status()).as(started.json().toString()).isEqualTo(201);
        assertThat(started.header("Location")).isEqualTo("/api/v1/streams/" + starting.getId());
        assertThat(started.header("Cache-Control")).as("the key is a secret").isEqualTo("no-store");
        JsonNode body = started.json();
        assertThat(keys(body))
                .containsExactly(
                        "id",
                        "ownerId",
                        "title",
                        "description",
                        "status",
                        "viewerCount",
                        "playbackUrl",
                        "startedAt",
                        "endedAt",
                        "ingestUrl",
                        "streamKey");
        assertThat(body.path("id").asText()).isEqualTo(starting.getId());
        assertThat(body.path("ownerId").asText()).isEqualTo(broadcaster.userId());
        assertThat(body.path("status").asText()).isEqualTo("STARTING");
        assertThat(body.path("ingestUrl").asText()).isEqualTo("rtmp://ingest.nova.social/live");
        assertThat(body.path("streamKey").asText()).isEqualTo("sk_live_secret");
        assertThat(body.path("playbackUrl").asText()).isEqualTo(starting.getPlaybackUrl());
        assertThat(body.path("startedAt").asText()).isEqualTo("2026-12-05T18:00:00.250Z");
        assertThat(body.path("endedAt").isNull()).isTrue();
    }

    @Test
    void aStreamReadsWithItsPeakAndNeverItsKey() {
        GatewayFixture.Caller viewer = fixture.signIn();
        String owner = UUID.randomUUID().toString();
        LiveStream live = stream(owner, "Morning run", StreamStatus.STREAM_STATUS_LIVE)
                .setViewerCount(12)
                .build();
        LiveStream over = stream(owner, "Yesterday", StreamStatus.STREAM_STATUS_ENDED)
                .setEndedAt(timestamp(ENDED))
                .build();
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getGetStreamMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("stream_id", live.getId())
                .willReturn(GetStreamResponse.newBuilder()
                        .setStream(live)
                        .setPeakViewerCount(40)
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getGetStreamMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("stream_id", over.getId())
                .willReturn(GetStreamResponse.newBuilder()
                        .setStream(over)
                        .setPeakViewerCount(7)
                        .build());

        var answer = client.get("/api/v1/streams/" + live.getId(), viewer.accessToken());
        assertThat(answer.status()).isEqualTo(200);
        JsonNode body = answer.json();
        assertThat(keys(body))
                .containsExactly(
                        "id",
                        "ownerId",
                        "title",
                        "description",
                        "status",
                        "viewerCount",
                        "peakViewers",
                        "playbackUrl",
                        "startedAt",
                        "endedAt");
        assertThat(body.path("status").asText()).isEqualTo("LIVE");
        assertThat(body.path("viewerCount").asLong()).isEqualTo(12);
        assertThat(body.path("peakViewers").asLong()).isEqualTo(40);
        assertThat(body.path("description").isNull()).as("none given").isTrue();
        assertThat(body.path("endedAt").isNull()).isTrue();

        var ended = client.get("/api/v1/streams/" + over.getId(), viewer.accessToken());
        assertThat(ended.json().path("status").asText()).isEqualTo("ENDED");
        assertThat(ended.json().path("endedAt").asText()).isEqualTo("2026-12-05T19:30:00Z");
        assertThat(ended.json().path("peakViewers").asLong()).isEqualTo(7);
        assertThat(streaming.calls(StreamingServiceGrpc.getJoinStreamMethod()))
                .as("reading a stream does not join it")
                .isEmpty();
    }

    @Test
    void theLiveListPassesThePagingOnAndKeepsTheServicesOrder() {
        GatewayFixture.Caller viewer = fixture.signIn();
        LiveStream newest = stream(UUID.randomUUID().toString(), "Newest", StreamStatus.STREAM_STATUS_LIVE)
                .build();
        LiveStream older = stream(UUID.randomUUID().toString(), "Older", StreamStatus.STREAM_STATUS_LIVE)
                .build();
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getListLiveStreamsMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("page.limit", 2)
                .whenField("page.cursor", "")
                .willReturn(ListLiveStreamsResponse.newBuilder()
                        .addStreams(newest)
                        .addStreams(older)
                        .setPage(PageResponse.newBuilder().setNextCursor("s2"))
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getListLiveStreamsMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("page.cursor", "s2")
                .willReturn(ListLiveStreamsResponse.getDefaultInstance());

        var page1 = client.get("/api/v1/streams/live?limit=2", viewer.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().path("items").findValuesAsText("title")).containsExactly("Newest", "Older");
        assertThat(keys(page1.json().path("items").get(0)))
                .as("a stream as GET /streams/{id} answers it, without the peak its list does not tell")
                .containsExactly(
                        "id",
                        "ownerId",
                        "title",
                        "description",
                        "status",
                        "viewerCount",
                        "playbackUrl",
                        "startedAt",
                        "endedAt");
        assertThat(page1.json().path("nextCursor").asText()).isEqualTo("s2");
        var page2 = client.get("/api/v1/streams/live?limit=2&cursor=s2", viewer.accessToken());
        assertThat(page2.json().path("items")).isEmpty();
        assertThat(page2.json().path("nextCursor").isNull()).isTrue();
    }

    @Test
    void joiningLeavingAndEndingAre204() {
        GatewayFixture.Caller caller = fixture.signIn();
        String streamId = UUID.randomUUID().toString();
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getJoinStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", streamId)
                .willReturn(JoinStreamResponse.newBuilder()
                        .setStream(stream(caller.userId(), "Mine", StreamStatus.STREAM_STATUS_LIVE))
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getLeaveStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", streamId)
                .willReturn(LeaveStreamResponse.getDefaultInstance());
        streaming
                .stub(StreamingServiceGrpc.getEndStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", streamId)
                .willReturn(EndStreamResponse.newBuilder()
                        .setStream(stream(caller.userId(), "Mine", StreamStatus.STREAM_STATUS_ENDED))
                        .build());

        for (String action : List.of("join", "leave", "end")) {
            var answer = client.post("/api/v1/streams/" + streamId + "/" + action, null, caller.accessToken());
            assertThat(answer.status()).as(action).isEqualTo(204);
            assertThat(answer.raw().body()).as(action).isEmpty();
        }
        assertThat(streaming.calls(StreamingServiceGrpc.getJoinStreamMethod()))
                .filteredOn(call -> call.request().getStreamId().equals(streamId))
                .hasSize(1);
    }

    @Test
    void streamingsRefusalsKeepTheirStatusAndReason() {
        GatewayFixture.Caller caller = fixture.signIn();
        String missing = UUID.randomUUID().toString();
        String someoneElses = UUID.randomUUID().toString();
        String over = UUID.randomUUID().toString();
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getGetStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", missing)
                .willFail(NovaException.notFound("stream", missing));
        streaming
                .stub(StreamingServiceGrpc.getEndStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", someoneElses)
                .willFail(NovaException.builder(ErrorCode.PERMISSION_DENIED, "only the owner may end a stream")
                        .reason("NOT_OWNER")
                        .domain(DOMAIN)
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getJoinStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", over)
                .willFail(NovaException.builder(ErrorCode.FAILED_PRECONDITION, "the stream has ended")
                        .reason("STREAM_ENDED")
                        .domain(DOMAIN)
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getStartStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("title", "Again")
                .willFail(NovaException.builder(ErrorCode.FAILED_PRECONDITION, "you already have a live stream")
                        .reason("ALREADY_LIVE")
                        .domain(DOMAIN)
                        .build());
        streaming
                .stub(StreamingServiceGrpc.getStartStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("title", "Too often")
                .willFail(NovaException.rateLimited(Duration.ofSeconds(30)));

        var notFound = client.get("/api/v1/streams/" + missing, caller.accessToken());
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.errorCode()).isEqualTo("NOT_FOUND");

        var notOwner = client.post("/api/v1/streams/" + someoneElses + "/end", null, caller.accessToken());
        assertThat(notOwner.status()).isEqualTo(403);
        assertThat(reasons(notOwner.json())).containsExactly("NOT_OWNER");

        var ended = client.post("/api/v1/streams/" + over + "/join", null, caller.accessToken());
        assertThat(ended.status()).as("FAILED_PRECONDITION is a 400").isEqualTo(400);
        assertThat(ended.errorCode()).isEqualTo("FAILED_PRECONDITION");
        assertThat(reasons(ended.json())).containsExactly("STREAM_ENDED");

        var alreadyLive = client.post("/api/v1/streams", Map.of("title", "Again"), caller.accessToken());
        assertThat(alreadyLive.status()).isEqualTo(400);
        assertThat(alreadyLive.errorCode()).isEqualTo("FAILED_PRECONDITION");
        assertThat(reasons(alreadyLive.json())).containsExactly("ALREADY_LIVE");

        var limited = client.post("/api/v1/streams", Map.of("title", "Too often"), caller.accessToken());
        assertThat(limited.status()).isEqualTo(429);
        assertThat(limited.header("Retry-After")).isEqualTo("30");
        assertThat(reasons(limited.json())).containsExactly("RATE_LIMITED");
    }

    @Test
    void streamingsFieldViolationsComeBackWithTheApisNames() {
        GatewayFixture.Caller caller = fixture.signIn();
        String streamId = UUID.randomUUID().toString();
        String longTitle = "t".repeat(101);
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getStartStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("title", "")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("title", "must be 1..100 characters after trimming")));
        streaming
                .stub(StreamingServiceGrpc.getStartStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("title", longTitle)
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("title", "must be 1..100 characters after trimming"),
                        FieldViolation.of("description", "must be at most 500 characters")));
        streaming
                .stub(StreamingServiceGrpc.getLeaveStreamMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("stream_id", streamId)
                .willFail(NovaException.invalidArgument(FieldViolation.of("stream_id", "must be a UUID")));
        streaming
                .stub(StreamingServiceGrpc.getListLiveStreamsMethod())
                .whenHeader("authorization", caller.bearer())
                .whenField("page.cursor", "garbage")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("page.limit", "must be 1..100"),
                        FieldViolation.of("page.cursor", "is not a cursor of this list")));

        var untitled = client.post("/api/v1/streams", Map.of("description", "no title"), caller.accessToken());
        assertThat(untitled.status()).isEqualTo(400);
        assertThat(fields(untitled.json())).as("a missing title is sent empty").containsExactly("title");
        var tooLong = client.post(
                "/api/v1/streams", Map.of("title", longTitle, "description", "d".repeat(501)), caller.accessToken());
        assertThat(tooLong.status()).isEqualTo(400);
        assertThat(fields(tooLong.json())).containsExactly("title", "description");
        var leave = client.post("/api/v1/streams/" + streamId + "/leave", null, caller.accessToken());
        assertThat(fields(leave.json())).as("the path's id").containsExactly("id");
        var list = client.get("/api/v1/streams/live?limit=1000&cursor=garbage", caller.accessToken());
        assertThat(list.status()).isEqualTo(400);
        assertThat(fields(list.json())).containsExactly("limit", "cursor");
    }

    @Test
    void theEdgeRefusesBadRequestsBeforeAnyCall() {
        GatewayFixture.Caller caller = fixture.signIn();
        int callsBefore = fixture.streaming.stubs().calls().size();

        for (String path :
                List.of("/api/v1/streams/42", "/api/v1/streams/not-a-uuid/events", "/api/v1/streams/1-2-3-4-5/join")) {
            var answer = path.endsWith("/join")
                    ? client.post(path, null, caller.accessToken())
                    : client.get(path, caller.accessToken());
            assertThat(answer.status()).as(path).isEqualTo(400);
            assertThat(fields(answer.json())).as(path).containsExactly("id");
        }
        for (String action : List.of("leave", "end")) {
            var answer = client.post("/api/v1/streams/abc/" + action, null, caller.accessToken());
            assertThat(answer.status()).as(action).isEqualTo(400);
        }
        var malformed = client.post("/api/v1/streams", "{\"title\": ", caller.accessToken());
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.json().path("error").path("message").asText()).startsWith("malformed JSON: ");
        var numberTitle = client.post("/api/v1/streams", Map.of("title", 5), caller.accessToken());
        assertThat(fields(numberTitle.json())).containsExactly("title");
        var unknown = client.post("/api/v1/streams", Map.of("title", "x", "private", true), caller.accessToken());
        assertThat(fields(unknown.json())).containsExactly("private");
        var badLimit = client.get("/api/v1/streams/live?limit=ten", caller.accessToken());
        assertThat(badLimit.status()).isEqualTo(400);
        assertThat(fields(badLimit.json())).containsExactly("limit");

        assertThat(fixture.streaming.stubs().calls())
                .as("no call reached streaming-service")
                .hasSize(callsBefore);
    }

    @Test
    void everyRouteNeedsASignedInUser() {
        String id = UUID.randomUUID().toString();
        List<GatewayClient.Answer> answers = List.of(
                client.post("/api/v1/streams", Map.of("title", "x"), null),
                client.get("/api/v1/streams/live", null),
                client.get("/api/v1/streams/" + id, null),
                client.post("/api/v1/streams/" + id + "/join", null, null),
                client.post("/api/v1/streams/" + id + "/leave", null, null),
                client.post("/api/v1/streams/" + id + "/end", null, null),
                client.send(
                        "GET", "/api/v1/streams/" + id + "/events", null, null, Map.of("Accept", "text/event-stream")));
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.status()).isEqualTo(401);
            assertThat(answer.errorCode()).isEqualTo("UNAUTHENTICATED");
            assertThat(answer.header("WWW-Authenticate")).isEqualTo("Bearer");
        });
    }

    @Test
    void theEventStreamIsOneEventPerUpdateAndEndsWithWatchStream() {
        GatewayFixture.Caller viewer = fixture.signIn();
        String streamId = UUID.randomUUID().toString();
        fixture.streaming
                .stubs()
                .stub(StreamingServiceGrpc.getWatchStreamMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("stream_id", streamId)
                .willStream(List.of(update(StreamStatus.STREAM_STATUS_LIVE, 3)));

        try (EventStreamClient events = EventStreamClient.open(events(streamId), viewer.accessToken())) {
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.header("Content-Type")).startsWith("text/event-stream");
            assertThat(events.header("Cache-Control")).isEqualTo("no-cache");
            assertThat(events.header("X-Request-Id")).isNotBlank();
            EventStreamClient.Event first = events.nextEvent();
            assertThat(first.name()).isEqualTo("message");
            assertThat(first.data())
                    .isEqualTo("{\"status\":\"LIVE\",\"viewerCount\":3,\"updatedAt\":\"2026-12-05T18:00:00.250Z\"}");
            assertThat(events.rest())
                    .as("WatchStream completed: the response ends")
                    .isEmpty();
        }
    }

    @Test
    void theEventStreamsRefusalsComeBeforeItStarts() {
        GatewayFixture.Caller viewer = fixture.signIn();
        String missing = UUID.randomUUID().toString();
        String over = UUID.randomUUID().toString();
        var streaming = fixture.streaming.stubs();
        streaming
                .stub(StreamingServiceGrpc.getWatchStreamMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("stream_id", missing)
                .willFail(NovaException.notFound("stream", missing));
        streaming
                .stub(StreamingServiceGrpc.getWatchStreamMethod())
                .whenHeader("authorization", viewer.bearer())
                .whenField("stream_id", over)
                .willStream(List.of(update(StreamStatus.STREAM_STATUS_ENDED, 0)));

        try (EventStreamClient notFound = EventStreamClient.open(events(missing), viewer.accessToken())) {
            assertThat(notFound.status()).isEqualTo(404);
            assertThat(notFound.header("Content-Type")).startsWith("application/json");
            assertThat(notFound.errorJson().path("error").path("code").asText()).isEqualTo("NOT_FOUND");
            assertThat(notFound.errorJson().path("error").path("requestId").asText())
                    .isEqualTo(notFound.header("X-Request-Id"));
        }
        try (EventStreamClient ended = EventStreamClient.open(events(over), viewer.accessToken())) {
            assertThat(ended.status())
                    .as("an ended stream: 204 tells an EventSource to stop reconnecting")
                    .isEqualTo(204);
        }
        int callsBefore = streaming.calls().size();
        try (EventStreamClient notAccepted =
                EventStreamClient.open(events(over), viewer.accessToken(), Map.of("Accept", "application/json"))) {
            assertThat(notAccepted.status()).isEqualTo(406);
            assertThat(fields(notAccepted.errorJson())).containsExactly("Accept");
        }
        assertThat(streaming.calls()).as("406 before any call").hasSize(callsBefore);
    }

    private URI events(String streamId) {
        return fixture.client.uri("/api/v1/streams/" + streamId + "/events");
    }

    private static LiveStream.Builder stream(String ownerId, String title, StreamStatus status) {
        String id = UUID.randomUUID().toString();
        return LiveStream.newBuilder()
                .setId(id)
                .setOwnerId(ownerId)
                .setTitle(title)
                .setStatus(status)
                .setPlaybackUrl("https://play.nova.social/live/" + id + "/index.m3u8")
                .setStartedAt(timestamp(STARTED));
    }

    private static WatchStreamResponse update(StreamStatus status, long viewers) {
        return WatchStreamResponse.newBuilder()
                .setStatus(status)
                .setViewerCount(viewers)
                .setUpdatedAt(timestamp(STARTED))
                .build();
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.properties().forEach(entry -> keys.add(entry.getKey()));
        return keys;
    }

    private static List<String> reasons(JsonNode error) {
        return error.path("error").path("details").findValuesAsText("reason");
    }

    private static List<String> fields(JsonNode error) {
        List<String> fields = new ArrayList<>();
        error.path("error").path("details").forEach(detail -> {
            if ("fieldViolation".equals(detail.path("type").asText())) {
                fields.add(detail.path("field").asText());
            }
        });
        return fields;
    }
}
