package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import org.awaitility.core.ConditionTimeoutException;
import social.nova.harness.GatewayApi.Account;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An app's WebSocket to the gateway's {@code /api/v1/realtime}: opened as an account, resumed after
 * a message id, its frames kept in order (message frames apart, for exactly-once checks).
 */
final class RealtimeSocket implements WebSocket.Listener {
    /** Live delivery is promised in milliseconds; the wait allows a loaded 2-core machine and a failover. */
    static final Duration DELIVERY_WAIT = Duration.ofSeconds(30);

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    private final List<JsonNode> messages = new CopyOnWriteArrayList<>();
    /** Everything the socket saw, in order (frames, close, error), for a failure's message. */
    private final List<String> history = new CopyOnWriteArrayList<>();

    private final StringBuilder partial = new StringBuilder();
    private final long openedAt = System.nanoTime();
    private volatile WebSocket socket;

    /** Opens a socket as {@code account} and resumes after {@code afterMessageId}. */
    static RealtimeSocket open(GatewayApi gateway, Account account, String afterMessageId) throws Exception {
        RealtimeSocket listener = new RealtimeSocket();
        URI realtime =
                URI.create(gateway.uri().resolve("/api/v1/realtime").toString().replaceFirst("^http", "ws"));
        listener.socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .header("Authorization", "Bearer " + account.accessToken())
                .buildAsync(realtime, listener)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        listener.socket
                .sendText(GatewayApi.JSON.writeValueAsString(Map.of("type", "resume", "after", afterMessageId)), true)
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
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
            try {
                history.add(elapsed() + " frame " + partial);
                JsonNode frame = GatewayApi.JSON.readTree(partial.toString());
                if ("message".equals(frame.path("type").asText())) {
                    messages.add(frame);
                }
                frames.add(frame);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        history.add(elapsed() + " closed by the gateway: " + statusCode + " " + reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        history.add(elapsed() + " failed: " + error);
    }

    /** The ids of the first {@code count} message frames, waiting for them. */
    List<String> messageIds(int count) {
        try {
            await().atMost(DELIVERY_WAIT).until(() -> messages.size() >= count);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(
                    "expected " + count + " message frames within " + DELIVERY_WAIT + ", got " + messages.size()
                            + "; what the socket saw since it opened:\n  " + String.join("\n  ", history),
                    e);
        }
        return messageIds().subList(0, count);
    }

    private String elapsed() {
        return String.format("+%d ms", (System.nanoTime() - openedAt) / 1_000_000);
    }

    /** The ids of every message frame so far. */
    List<String> messageIds() {
        return messages.stream()
                .map(frame -> frame.get("message").get("id").asText())
                .toList();
    }

    List<JsonNode> messageFrames() {
        return List.copyOf(messages);
    }

    /** The next frame of {@code type}, skipping others. */
    JsonNode next(String type) throws InterruptedException {
        long deadline = System.nanoTime() + DELIVERY_WAIT.toNanos();
        while (true) {
            JsonNode frame = frames.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            assertThat(frame).as("a %s frame within %s", type, DELIVERY_WAIT).isNotNull();
            if (type.equals(frame.path("type").asText())) {
                return frame;
            }
        }
    }

    void close() throws Exception {
        if (!socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
    }
}
