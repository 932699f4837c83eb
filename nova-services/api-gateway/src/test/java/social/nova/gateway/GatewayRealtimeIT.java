package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.ReadMarker;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /api/v1/realtime}, the WebSocket bridge to StreamMessages, with the JDK's WebSocket
 * client, in front of a live-driven messaging stub ({@link StreamingMessagingStub}) and an auth stub
 * whose keys also sign short-lived tokens. On a Consul agent of its own: the stub is the only
 * messaging-service there.
 */
class GatewayRealtimeIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private static ConsulContainer consul;
    private static RegisteredStub auth;
    private static JwtSigner signer;
    private static JwtSigner shortLived;
    private static StreamingMessagingStub messaging;
    private static RunningService gateway;
    private static URI realtime;
    private static GatewayClient client;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

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
        messaging = new StreamingMessagingStub(consul);
        gateway = startGateway(Map.of());
        URI base = TestServices.baseUri(consul, gateway);
        realtime = URI.create("ws://" + base.getHost() + ":" + base.getPort() + RealtimeBridge.PATH);
        client = new GatewayClient(base);
        GatewayFixture.awaitRouting(client, "auth-service", "messaging-service");
    }

    private static RunningService startGateway(Map<String, String> more) {
        Map<String, String> config = new HashMap<>(Map.of(
                "gateway.realtime.heartbeat", "PT1S",
                "gateway.realtime.slow-client-timeout", "PT2S",
                "gateway.realtime.close-grace", "PT1S",
                "gateway.realtime.reconnect.initial-backoff", "PT0.1S",
                "gateway.realtime.max-connections-per-user", "3"));
        config.putAll(more);
        return TestServices.gateway(consul, config);
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.stop();
        }
        if (messaging != null) {
            messaging.close();
        }
        if (auth != null) {
            auth.close();
        }
        if (consul != null) {
            consul.stop();
        }
    }

    private static String token(String userId) {
        return signer.issue(userId, UUID.randomUUID().toString(), List.of()).token();
    }

    @Test
    void headerAuthDeliversMessageAndReadFramesInOrderAsExactJson() throws Exception {
        String user = UUID.randomUUID().toString();
        String token = token(user);
        Client socket = Client.connect(realtime, "Bearer " + token, null);
        StreamingMessagingStub.Stream stream = messaging.awaitOpenStream("Bearer " + token);
        assertThat(stream.request.getAfterMessageId()).as("starts live").isEmpty();

        Message message = message("hello there");
        stream.send(message);
        stream.send(StreamMessagesResponse.newBuilder()
                .setRead(ReadMarker.newBuilder()
                        .setConversationId(message.getConversationId())
                        .setUserId(user)
                        .setMessageId(message.getId()))
                .build());

        socket.awaitTexts(2);
        assertThat(socket.texts.get(0))
                .isEqualTo("{\"type\":\"message\",\"message\":{\"id\":\"" + message.getId() + "\",\"conversationId\":\""
                        + message.getConversationId() + "\",\"senderId\":\"" + message.getSenderId()
                        + "\",\"text\":\"hello there\",\"createdAt\":\"2026-01-31T12:00:00.123Z\"}}");
        assertThat(socket.texts.get(1))
                .isEqualTo("{\"type\":\"read\",\"conversationId\":\"" + message.getConversationId() + "\",\"userId\":\""
                        + user + "\",\"messageId\":\"" + message.getId() + "\"}");
        socket.close();
        await().atMost(WAIT).until(stream.cancelled::get);
    }

    @Test
    void theBearerSubprotocolAuthenticatesAndIsEchoed() throws Exception {
        String token = token(UUID.randomUUID().toString());
        Client socket = Client.connect(realtime, null, "bearer." + token);
        assertThat(socket.ws.getSubprotocol()).isEqualTo("bearer." + token);
        StreamingMessagingStub.Stream stream = messaging.awaitOpenStream("Bearer " + token);
        Message message = message("via subprotocol");
        stream.send(message);
        socket.awaitTexts(1);
        assertThat(MAPPER.readTree(socket.texts.get(0))
                        .path("message")
                        .path("id")
                        .asText())
                .isEqualTo(message.getId());
        socket.close();
    }

    @Test
    void noOrAnInvalidTokenIsRefusedWith401InTheGatewaysShape() throws Exception {
        for (String authorization : new String[] {null, "Bearer not-a-token"}) {
            RawAnswer answer = rawUpgrade(authorization);
            assertThat(answer.status).as(String.valueOf(authorization)).isEqualTo(401);
            assertThat(answer.json().path("error").path("code").asText()).isEqualTo("UNAUTHENTICATED");
        }
        assertThatThrownBy(() -> Client.connect(realtime, null, "bearer.garbage"))
                .hasCauseInstanceOf(WebSocketHandshakeException.class)
                .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                .getResponse()
                                .statusCode())
                        .isEqualTo(401));
    }

    @Test
    void tooManySocketsOfOneUserAreRefusedWith429() throws Exception {
        String token = token(UUID.randomUUID().toString());
        List<Client> open = List.of(
                Client.connect(realtime, "Bearer " + token, null),
                Client.connect(realtime, "Bearer " + token, null),
                Client.connect(realtime, "Bearer " + token, null));
        RawAnswer fourth = rawUpgrade("Bearer " + token);
        assertThat(fourth.status).isEqualTo(429);
        assertThat(fourth.json().path("error").path("code").asText()).isEqualTo("RESOURCE_EXHAUSTED");
        for (Client socket : open) {
            socket.close();
        }
    }

    @Test
    void resumeRestartsTheStreamAfterTheIdAndNeverSendsAMessageTwice() throws Exception {
        String token = token(UUID.randomUUID().toString());
        Client socket = Client.connect(realtime, "Bearer " + token, null);
        StreamingMessagingStub.Stream live = messaging.awaitOpenStream("Bearer " + token);
        Message one = message("one");
        Message two = message("two");
        live.send(one);
        live.send(two);
        socket.awaitTexts(2);

        String missedAfter = UUID.randomUUID().toString();
        socket.send("{\"type\":\"resume\",\"after\":\"" + missedAfter + "\"}");
        StreamingMessagingStub.Stream resumed = messaging.awaitNewStream(live);
        assertThat(resumed.request.getAfterMessageId()).isEqualTo(missedAfter);
        await().atMost(WAIT).until(live.cancelled::get);

        Message three = message("three");
        resumed.send(one);
        resumed.send(two);
        resumed.send(three);
        socket.awaitTexts(3);
        assertThat(ids(socket.texts)).containsExactly(one.getId(), two.getId(), three.getId());

        socket.send("{\"type\":\"subscribe\"}");
        socket.send("not json");
        socket.awaitTexts(5);
        for (String error : socket.texts.subList(3, 5)) {
            JsonNode frame = MAPPER.readTree(error);
            assertThat(frame.path("type").asText()).isEqualTo("error");
            assertThat(frame.path("code").asText()).isEqualTo("INVALID_ARGUMENT");
            assertThat(frame.path("message").asText()).isNotEmpty();
        }
        assertThat(socket.closeCode.isDone()).as("errors do not close").isFalse();
        socket.close();
    }

    @Test
    void aStreamEndingUnavailableIsReconnectedAndResumedTransparently() throws Exception {
        String token = token(UUID.randomUUID().toString());
        Client socket = Client.connect(realtime, "Bearer " + token, null);
        StreamingMessagingStub.Stream first = messaging.awaitOpenStream("Bearer " + token);
        Message one = message("before the restart");
        first.send(one);
        socket.awaitTexts(1);

        first.fail(Status.UNAVAILABLE.withDescription("messaging-service shutting down"));
        StreamingMessagingStub.Stream second = messaging.awaitNewStream(first);
        assertThat(second.request.getAfterMessageId()).isEqualTo(one.getId());
        assertThat(second.authorization).isEqualTo("Bearer " + token);
        Message two = message("after the restart");
        second.send(one);
        second.send(two);
        socket.awaitTexts(2);
        assertThat(ids(socket.texts)).containsExactly(one.getId(), two.getId());
        assertThat(socket.closeCode.isDone()).isFalse();
        socket.close();
    }

    @Test
    void unauthenticatedFromTheStreamCloses4401() throws Exception {
        String token = token(UUID.randomUUID().toString());
        Client socket = Client.connect(realtime, "Bearer " + token, null);
        messaging.awaitOpenStream("Bearer " + token).fail(Status.UNAUTHENTICATED);
        assertThat(socket.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(4401);
    }

    @Test
    void anExpiringTokenClosesTheSocketWith4401() throws Exception {
        String token =
                shortLived.issue(UUID.randomUUID().toString(), "s", List.of()).token();
        Client socket = Client.connect(realtime, "Bearer " + token, null);
        StreamingMessagingStub.Stream stream = messaging.awaitOpenStream("Bearer " + token);
        assertThat(socket.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(4401);
        await().atMost(WAIT).until(stream.cancelled::get);
    }

    @Test
    void theGatewayPingsEveryHeartbeat() throws Exception {
        Client socket =
                Client.connect(realtime, "Bearer " + token(UUID.randomUUID().toString()), null);
        await().atMost(WAIT).until(() -> socket.pings.get() >= 2);
        socket.close();
    }

    @Test
    void aClientThatStopsReadingIsClosedAndTheGatewayStaysHealthy() throws Exception {
        String token = token(UUID.randomUUID().toString());
        Client slow = Client.connect(realtime, "Bearer " + token, null);
        slow.paused.set(true);
        StreamingMessagingStub.Stream stream = messaging.awaitOpenStream("Bearer " + token);
        String text = "x".repeat(4000);
        stream.flood(i -> message(text), 1_000_000);

        await().atMost(Duration.ofSeconds(90)).until(stream.cancelled::get);
        int flooded = stream.flooded.get();
        assertThat(flooded).as("the stream was stopped, not drained").isLessThan(1_000_000);
        assertThat(client.get("/health", null).status()).isEqualTo(200);

        // The gateway dropped it: once the client reads again it sees the end of the socket.
        slow.resume();
        await().atMost(Duration.ofSeconds(60)).until(() -> slow.closeCode.isDone() || slow.error.get() != null);

        String other = token(UUID.randomUUID().toString());
        Client healthy = Client.connect(realtime, "Bearer " + other, null);
        Message hello = message("still serving");
        messaging.awaitOpenStream("Bearer " + other).send(hello);
        healthy.awaitTexts(1);
        healthy.close();
    }

    @Test
    void openSocketsHoldNoPermitOfThePortsConcurrencyLimit() throws Exception {
        // 150 sockets: more than the kit's 64 concurrent requests plus 64 queued.
        List<String> tokens = java.util.stream.IntStream.range(0, 150)
                .mapToObj(i -> token(UUID.randomUUID().toString()))
                .toList();
        List<Client> sockets = tokens.stream()
                .map(token -> Client.connect(realtime, "Bearer " + token, null))
                .toList();
        String last = tokens.getLast();
        Message message = message("the 150th");
        messaging.awaitOpenStream("Bearer " + last).send(message);
        sockets.getLast().awaitTexts(1);
        assertThat(client.get("/health", null).status()).isEqualTo(200);
        for (Client socket : sockets) {
            socket.close();
        }
    }

    @Test
    void stoppingTheGatewayClosesEverySocketWith1001() throws Exception {
        RunningService stopping = startGateway(Map.of("shutdown.propagation-delay", "PT1S"));
        URI base = TestServices.baseUri(consul, stopping);
        URI uri = URI.create("ws://" + base.getHost() + ":" + base.getPort() + RealtimeBridge.PATH);
        String token = token(UUID.randomUUID().toString());
        Client socket = Client.connect(uri, "Bearer " + token, null);
        messaging.awaitOpenStream("Bearer " + token);
        CompletableFuture<Void> stopped = CompletableFuture.runAsync(stopping::stop);
        assertThat(socket.closeCode.get(30, TimeUnit.SECONDS)).isEqualTo(1001);
        stopped.get(60, TimeUnit.SECONDS);
    }

    private static List<String> ids(List<String> frames) {
        return frames.stream()
                .map(frame -> {
                    try {
                        return MAPPER.readTree(frame).path("message").path("id").asText();
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                })
                .toList();
    }

    private static Message message(String text) {
        return Message.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setConversationId(UUID.randomUUID().toString())
                .setSenderId(UUID.randomUUID().toString())
                .setText(text)
                .setSentAt(Timestamp.newBuilder()
                        .setSeconds(Instant.parse("2026-01-31T12:00:00Z").getEpochSecond())
                        .setNanos(123_000_000))
                .build();
    }

    record RawAnswer(int status, String body) {
        JsonNode json() throws IOException {
            return MAPPER.readTree(body);
        }
    }

    /** An upgrade request on a plain socket, to read the refusal's status and body. */
    private static RawAnswer rawUpgrade(String authorization) throws IOException {
        try (Socket socket = new Socket(realtime.getHost(), realtime.getPort())) {
            socket.setSoTimeout(30_000);
            String request = "GET " + RealtimeBridge.PATH + " HTTP/1.1\r\nHost: " + realtime.getHost() + ":"
                    + realtime.getPort() + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n";
            OutputStream out = socket.getOutputStream();
            out.write(request.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    break;
                }
                head.append((char) b);
            }
            int status = Integer.parseInt(head.substring(9, 12));
            int length = 0;
            for (String line : head.toString().split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    length = Integer.parseInt(line.substring(15).trim());
                }
            }
            return new RawAnswer(status, new String(in.readNBytes(length), StandardCharsets.UTF_8));
        }
    }

    /** A JDK WebSocket client that records text frames, pings and the close, and can stop reading. */
    static final class Client implements WebSocket.Listener {
        final List<String> texts = new CopyOnWriteArrayList<>();
        final AtomicInteger pings = new AtomicInteger();
        final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
        final AtomicBoolean paused = new AtomicBoolean();
        final java.util.concurrent.atomic.AtomicReference<Throwable> error =
                new java.util.concurrent.atomic.AtomicReference<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket ws;

        static Client connect(URI uri, String authorization, String subprotocol) {
            Client listener = new Client();
            WebSocket.Builder builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
            if (authorization != null) {
                builder.header("Authorization", authorization);
            }
            if (subprotocol != null) {
                builder.subprotocols(subprotocol);
            }
            try {
                listener.ws = builder.buildAsync(uri, listener).join();
            } catch (CompletionException e) {
                throw e;
            }
            return listener;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                texts.add(partial.toString());
                partial.setLength(0);
            }
            if (!paused.get()) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
            pings.incrementAndGet();
            if (!paused.get()) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable e) {
            error.set(e);
            closeCode.completeExceptionally(e);
        }

        void resume() {
            paused.set(false);
            ws.request(Long.MAX_VALUE);
        }

        void send(String text) {
            ws.sendText(text, true).join();
        }

        void awaitTexts(int count) {
            await().atMost(WAIT).until(() -> texts.size() >= count);
        }

        void close() {
            if (!ws.isOutputClosed()) {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").join();
            }
        }
    }
}
