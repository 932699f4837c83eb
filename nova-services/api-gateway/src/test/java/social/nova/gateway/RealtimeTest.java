package social.nova.gateway;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import com.google.protobuf.Timestamp;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import org.junit.jupiter.api.Test;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.ReadMarker;
import social.nova.rpc.RpcSettings;

import static org.assertj.core.api.Assertions.assertThat;

/** The real-time bridge's pieces without a server: frames, limits, the outbox's bounds, dedup, credentials. */
class RealtimeTest {
    private final RealtimeFrames frames = new RealtimeFrames(new Json(1024).mapper());

    @Test
    void framesAreTheDocumentedJson() {
        Message message = Message.newBuilder()
                .setId("m")
                .setConversationId("c")
                .setSenderId("s")
                .setText("hé \"quoted\"")
                .setSentAt(Timestamp.newBuilder().setSeconds(1_769_860_800L))
                .setIdempotencyKey("never shown")
                .build();
        assertThat(frames.message(message))
                .isEqualTo(
                        "{\"type\":\"message\",\"message\":{\"id\":\"m\",\"conversationId\":\"c\",\"senderId\":\"s\","
                                + "\"text\":\"hé \\\"quoted\\\"\",\"createdAt\":\"2026-01-31T12:00:00Z\"}}");
        assertThat(frames.read(ReadMarker.newBuilder()
                        .setConversationId("c")
                        .setUserId("u")
                        .setMessageId("m")
                        .build()))
                .isEqualTo("{\"type\":\"read\",\"conversationId\":\"c\",\"userId\":\"u\",\"messageId\":\"m\"}");
        assertThat(frames.error("INVALID_ARGUMENT", "no"))
                .isEqualTo("{\"type\":\"error\",\"code\":\"INVALID_ARGUMENT\",\"message\":\"no\"}");
    }

    @Test
    void onlyAWellFormedResumeIsAccepted() {
        String id = UUID.randomUUID().toString();
        assertThat(frames.parse("{\"type\":\"resume\",\"after\":\"" + id + "\"}"))
                .isEqualTo(new RealtimeFrames.Resume(id));
        for (String bad : List.of(
                "nope",
                "[]",
                "{}",
                "{\"type\":1}",
                "{\"type\":\"subscribe\"}",
                "{\"type\":\"resume\"}",
                "{\"type\":\"resume\",\"after\":\"not-a-uuid\"}",
                "{\"type\":\"resume\",\"after\":\"" + id + "\",\"extra\":true}",
                "{\"type\":\"resume\",\"after\":\"" + "x".repeat(5000) + "\"}")) {
            assertThat(frames.parse(bad)).as(bad).isInstanceOf(RealtimeFrames.Invalid.class);
        }
    }

    @Test
    void limitsBoundSocketsPerUserAndOverall() {
        ConnectionLimits limits = new ConnectionLimits(3, 2);
        assertThat(limits.acquire("a")).isNull();
        assertThat(limits.acquire("a")).isNull();
        assertThat(limits.check("a")).isEqualTo(ConnectionLimits.Refusal.TOO_MANY_USER_CONNECTIONS);
        assertThat(limits.acquire("a")).isEqualTo(ConnectionLimits.Refusal.TOO_MANY_USER_CONNECTIONS);
        assertThat(limits.acquire("b")).isNull();
        assertThat(limits.acquire("c")).isEqualTo(ConnectionLimits.Refusal.TOO_MANY_CONNECTIONS);
        assertThat(limits.open()).isEqualTo(3);
        limits.release("a");
        assertThat(limits.open("a")).isEqualTo(1);
        assertThat(limits.acquire("c")).isNull();
        limits.release("a");
        limits.release("b");
        limits.release("c");
        assertThat(limits.open()).isZero();
        assertThat(limits.open("a")).isZero();
    }

    @Test
    void theOutboxIsBoundedAndReportsAStall() {
        AtomicLong now = new AtomicLong();
        List<Runnable> writers = new ArrayList<>();
        List<String> written = new ArrayList<>();
        Outbox outbox = new Outbox(
                100,
                new Outbox.Sink() {
                    @Override
                    public void text(String frame) {
                        written.add(frame);
                    }

                    @Override
                    public void ping() {
                        written.add("ping");
                    }

                    @Override
                    public void close(int code, String reason) {
                        written.add("close " + code);
                    }
                },
                new Outbox.Events() {
                    @Override
                    public void written(int queuedBytes) {}

                    @Override
                    public void failed(Exception failure) {}
                },
                writers::add, // a writer that has not run yet: the client is not reading
                now::get);
        assertThat(outbox.offer("a".repeat(40))).isTrue();
        assertThat(outbox.offer("b".repeat(40))).as("over the 100-byte budget").isFalse();
        assertThat(outbox.queuedBytes()).isEqualTo(56);
        now.set(5_000);
        assertThat(outbox.stalledNanos()).isEqualTo(5_000);
        assertThat(outbox.close(1008, "slow", true)).isTrue();
        assertThat(outbox.offer("late")).isFalse();
        assertThat(writers).hasSize(1);
        writers.getFirst().run();
        assertThat(written).containsExactly("close 1008");
        assertThat(outbox.isDone()).isTrue();
        assertThat(outbox.stalledNanos()).isZero();
    }

    @Test
    void sentIdsRememberAWindow() {
        RealtimeConnection.SentIds sent = new RealtimeConnection.SentIds(2);
        String one = UUID.randomUUID().toString();
        String two = UUID.randomUUID().toString();
        String three = UUID.randomUUID().toString();
        assertThat(sent.add(one)).isTrue();
        assertThat(sent.add(one)).isFalse();
        assertThat(sent.add(two)).isTrue();
        assertThat(sent.add(three)).isTrue();
        assertThat(sent.add(two)).isFalse();
        assertThat(sent.add(one)).as("fell out of the window").isTrue();
    }

    @Test
    void streamsGetTheLongDeadlineOfApplicationYamlAndOtherCallsTheDefault() {
        var deadlines = RpcSettings.create(Config.create(ConfigSources.classpath("application.yaml"))
                        .get("rpc"))
                .forTarget(Backends.MESSAGING_SERVICE)
                .deadlines();
        assertThat(deadlines.forMethod(MessagingServiceGrpc.getStreamMessagesMethod()))
                .isEqualTo(Duration.ofHours(24));
        assertThat(deadlines.forMethod(MessagingServiceGrpc.getSendMessageMethod()))
                .isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void theHeaderWinsOverTheSubprotocol() {
        WritableHeaders<?> headers = WritableHeaders.create();
        headers.set(Authentication.WEBSOCKET_PROTOCOL, "chat, bearer.abc");
        assertThat(Authentication.upgradeCredentials(headers))
                .isEqualTo(new Authentication.UpgradeCredentials("Bearer abc", "bearer.abc"));
        headers.set(HeaderNames.AUTHORIZATION, "Bearer header");
        assertThat(Authentication.upgradeCredentials(headers).authorization()).isEqualTo("Bearer header");
        assertThat(Authentication.upgradeCredentials(WritableHeaders.create()))
                .isEqualTo(new Authentication.UpgradeCredentials(null, null));
    }
}
