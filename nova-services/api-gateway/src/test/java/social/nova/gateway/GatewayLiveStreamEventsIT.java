package social.nova.gateway;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /api/v1/streams/{id}/events}, live: server-sent events read as an app reads them
 * ({@link EventStreamClient}, HTTP/1.1), in front of a WatchStream stub the test drives
 * ({@link WatchStreamStub}) and an auth stub whose keys also sign 4-second tokens. On a Consul agent
 * of its own: the stub is the only streaming-service there. The gateway merges updates to one per
 * 0.5 s and writes a heartbeat after 0.5 s of silence here (1 s and 15 s by default).
 */
class GatewayLiveStreamEventsIT {
    private static final Duration MIN_INTERVAL = Duration.ofMillis(500);

    private static ConsulContainer consul;
    private static RegisteredStub auth;
    private static JwtSigner signer;
    private static JwtSigner shortLived;
    private static WatchStreamStub streaming;
    private static RunningService gateway;
    private static GatewayClient client;

    @BeforeAll
    static void start() {
        consul = SharedContainers.newConsul();
        consul.start();
        KeyRing keys = KeyRing.generate(JwtSettings.defaults(), Clock.systemUTC());
        auth = RegisteredStub.start("auth-service", AuthServiceGrpc.getServiceDescriptor(), null, consul);
        auth.stubs()
                .stub(AuthServiceGrpc.getGetPublicKeysMethod())
                .willReturn(GetPublicKeysResponse.newBuilder()
                        .setJwksJson(keys.jwksJson())
                        .setMaxAgeSeconds(300)
                        .build());
        signer = new JwtSigner(keys, JwtSettings.defaults(), Clock.systemUTC());
        shortLived = new JwtSigner(
                keys,
                new JwtSettings(
                        JwtSettings.DEFAULT_ISSUER,
                        JwtSettings.DEFAULT_AUDIENCE,
                        Duration.ofSeconds(4),
                        JwtSettings.DEFAULT_CLOCK_SKEW),
                Clock.systemUTC());
        streaming = new WatchStreamStub(consul);
        gateway = startGateway(Map.of());
        client = new GatewayClient(TestServices.baseUri(consul, gateway));
        GatewayFixture.awaitRouting(client, "auth-service", "streaming-service");
    }

    private static RunningService startGateway(Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "gateway.live-streams.events.min-interval", "PT0.5S",
                "gateway.live-streams.events.heartbeat", "PT0.5S",
                "gateway.live-streams.events.max-connections-per-user", "2"));
        config.putAll(more);
        return TestServices.gateway(consul, config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (streaming != null) {
            streaming.close();
        }
        if (auth != null) {
            auth.close();
        }
        if (consul != null) {
            consul.stop();
        }
    }

    @Test
    void eachUpdateIsAJsonEventAndTheResponseEndsWithTheStream() {
        String token = token();
        String streamId = UUID.randomUUID().toString();
        try (EventStreamClient events = EventStreamClient.open(events(client, streamId), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            assertThat(watch.request.getStreamId()).isEqualTo(streamId);
            watch.send(StreamStatus.STREAM_STATUS_STARTING, 0);
            // Nothing is committed before the first update: the status and headers come with it.
            assertThat(events.status()).isEqualTo(200);
            assertThat(events.header("Content-Type")).startsWith("text/event-stream");

            JsonNode starting = events.nextEvent().json();
            assertThat(keys(starting)).containsExactly("status", "viewerCount", "updatedAt");
            assertThat(starting.path("status").asText()).isEqualTo("STARTING");
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent().json().path("status").asText()).isEqualTo("LIVE");
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 2);
            assertThat(events.nextEvent().json().path("viewerCount").asLong()).isEqualTo(2);
            watch.send(StreamStatus.STREAM_STATUS_ENDED, 0);
            watch.complete();

            List<EventStreamClient.Event> last = events.rest();
            assertThat(last).hasSize(1);
            assertThat(last.getFirst().json().path("status").asText()).isEqualTo("ENDED");
        }
    }

    @Test
    void updatesWithinTheIntervalAreMergedAndTheNewestWins() {
        String token = token();
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            EventStreamClient.Event first = events.nextEvent();
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 2);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 3);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 4);

            EventStreamClient.Event merged = events.nextEvent();
            assertThat(merged.json().path("viewerCount").asLong()).isEqualTo(4);
            assertThat(Duration.ofNanos(merged.receivedAt() - first.receivedAt()))
                    .as("at most one update per min-interval")
                    .isGreaterThanOrEqualTo(MIN_INTERVAL.minusMillis(50));
            // The same state again is no event; the next change is.
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 4);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 5);
            assertThat(events.nextEvent().json().path("viewerCount").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aQuietStreamGetsHeartbeatComments() {
        String token = token();
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            streaming.awaitOpenWatch("Bearer " + token).send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.next().data()).isNotNull();
            EventStreamClient.Event heartbeat = events.next();
            assertThat(heartbeat.data()).isNull();
            assertThat(heartbeat.comment()).isEqualTo(LiveStreamEvents.HEARTBEAT_COMMENT);
        }
    }

    @Test
    void aClientThatLeavesCancelsItsWatchStream() {
        String token = token();
        WatchStreamStub.Watch watch;
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent()).isNotNull();
        }
        // The gateway notices at its next write (a heartbeat at the latest) and cancels the call.
        watch.awaitCancelled();
    }

    @Test
    void unavailableMidStreamEndsTheResponseSoThatTheClientReconnects() {
        String token = token();
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent()).isNotNull();
            watch.fail(NovaException.unavailable("streaming-service is shutting down"));
            assertThat(events.rest())
                    .as("no failure event: reconnecting cures it")
                    .isEmpty();
        }
    }

    @Test
    void aRefusalMidStreamIsAFailureEventThenTheEnd() {
        String token = token();
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent()).isNotNull();
            watch.fail(NovaException.builder(ErrorCode.NOT_FOUND, "stream not found")
                    .build());

            List<EventStreamClient.Event> last = events.rest();
            assertThat(last).hasSize(1);
            assertThat(last.getFirst().name()).isEqualTo(LiveStreamEvents.FAILURE_EVENT);
            assertThat(last.getFirst().data()).isEqualTo("{\"code\":\"NOT_FOUND\",\"message\":\"stream not found\"}");
        }
    }

    @Test
    void aRefusalBeforeTheFirstUpdateIsAnErrorResponse() {
        String token = token();
        try (EventStreamClient refused =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            streaming.awaitOpenWatch("Bearer " + token).fail(NovaException.unauthenticated("access token refused"));
            assertThat(refused.status()).isEqualTo(401);
            assertThat(refused.header("Content-Type")).startsWith("application/json");
            assertThat(refused.errorJson().path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");
        }
    }

    @Test
    void theEventStreamEndsWhenTheAccessTokenExpires() {
        String token =
                shortLived.issue(UUID.randomUUID().toString(), "s", List.of()).token();
        try (EventStreamClient events =
                EventStreamClient.open(events(client, UUID.randomUUID().toString()), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent()).isNotNull();

            List<EventStreamClient.Event> last = events.rest();
            assertThat(last).hasSize(1);
            assertThat(last.getFirst().name()).isEqualTo(LiveStreamEvents.FAILURE_EVENT);
            assertThat(last.getFirst().json().path("code").asText()).isEqualTo("UNAUTHENTICATED");
            watch.awaitCancelled();
        }
    }

    @Test
    void tooManyEventStreamsOfOneUserAreRefusedWith429() {
        String user = UUID.randomUUID().toString();
        List<String> tokens = List.of(token(user), token(user), token(user));
        List<EventStreamClient> open = new ArrayList<>();
        try {
            for (String token : tokens.subList(0, 2)) {
                EventStreamClient events =
                        EventStreamClient.open(events(client, UUID.randomUUID().toString()), token);
                open.add(events);
                streaming.awaitOpenWatch("Bearer " + token).send(StreamStatus.STREAM_STATUS_LIVE, 1);
                assertThat(events.nextEvent()).isNotNull();
            }
            try (EventStreamClient third =
                    EventStreamClient.open(events(client, UUID.randomUUID().toString()), tokens.get(2))) {
                assertThat(third.status()).isEqualTo(429);
                assertThat(third.header("Retry-After")).isEqualTo("5");
                assertThat(third.errorJson().path("error").path("details").findValuesAsText("reason"))
                        .containsExactly("TOO_MANY_USER_CONNECTIONS");
            }
        } finally {
            open.forEach(EventStreamClient::close);
        }
    }

    @Test
    void aStoppingGatewayEndsItsEventStreams() throws Exception {
        RunningService stopping = startGateway(Map.of("shutdown.propagation-delay", "PT1S"));
        GatewayClient stoppingClient = new GatewayClient(TestServices.baseUri(consul, stopping));
        String token = token();
        try (EventStreamClient events =
                EventStreamClient.open(events(stoppingClient, UUID.randomUUID().toString()), token)) {
            WatchStreamStub.Watch watch = streaming.awaitOpenWatch("Bearer " + token);
            watch.send(StreamStatus.STREAM_STATUS_LIVE, 1);
            assertThat(events.nextEvent()).isNotNull();
            CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::stop);
            assertThat(events.rest())
                    .as("ended without a failure event: the client reconnects elsewhere")
                    .isEmpty();
            watch.awaitCancelled();
            stopped.get(60, TimeUnit.SECONDS);
        }
    }

    private static URI events(GatewayClient gateway, String streamId) {
        return gateway.uri("/api/v1/streams/" + streamId + "/events");
    }

    private static String token() {
        return token(UUID.randomUUID().toString());
    }

    private static String token(String userId) {
        return signer.issue(userId, UUID.randomUUID().toString(), List.of()).token();
    }

    private static List<String> keys(JsonNode object) {
        List<String> keys = new ArrayList<>();
        object.properties().forEach(entry -> keys.add(entry.getKey()));
        return keys;
    }
}
