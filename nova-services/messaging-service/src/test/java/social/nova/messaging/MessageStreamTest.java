package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.stub.ServerCallStreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One stream's worker against a fake call and a fake history: order, gaps, flow control, bounds, expiry. */
class MessageStreamTest {
    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final UUID ADA = UUID.randomUUID();
    private static final UUID BOB = UUID.randomUUID();
    private static final UUID CONVERSATION = UUID.randomUUID();

    private final MessageIds ids = new MessageIds();
    private final FakeCall call = new FakeCall();
    private final List<Thread> workers = new CopyOnWriteArrayList<>();

    @AfterEach
    void cancelTheStreams() throws InterruptedException {
        call.cancel();
        for (Thread worker : workers) {
            worker.join(5_000);
        }
    }

    @Test
    void eventsOutOfOrderAreDeliveredInOrderWithTheGapReadBack() {
        Message m1 = message(null);
        Message m2 = message(m1.id());
        Message m3 = message(m2.id());
        MessageStream stream = start(history(Map.of(CONVERSATION, m1.id()), List.of(m2)), 10, hour());

        stream.offer(new LiveEvent.NewMessage(m3, m2.id())); // m2's event is late
        stream.offer(new LiveEvent.NewMessage(m2, m1.id()));
        stream.offer(new LiveEvent.NewMessage(m1, null)); // before the stream started

        await().atMost(PATIENCE).until(() -> call.texts().size() == 2);
        assertThat(call.texts()).containsExactly(m2.text(), m3.text());
    }

    @Test
    void ownReadMarkersAndOtherConversationsAreNotDeliveredWhenFiltered() {
        MessageStream stream = new MessageStream(
                ADA, CONVERSATION, null, hour(), call, history(Map.of(), List.of()), 10, Clock.systemUTC());
        run(stream);
        Instant now = Instant.now();
        stream.offer(new LiveEvent.Read(new ReadMarker(CONVERSATION, ADA, UUID.randomUUID(), now)));
        stream.offer(new LiveEvent.NewMessage(
                new Message(ids.after(null), UUID.randomUUID(), BOB, "elsewhere", "k", now), null));
        stream.offer(new LiveEvent.Read(new ReadMarker(CONVERSATION, BOB, UUID.randomUUID(), now)));

        await().atMost(PATIENCE).until(() -> !call.events.isEmpty());
        await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(() -> call.events.size() == 1);
        assertThat(call.events.getFirst().getRead().getUserId()).isEqualTo(BOB.toString());
    }

    @Test
    void nothingIsWrittenUntilTheCallIsReady() {
        call.ready = false;
        MessageStream stream = start(history(Map.of(), List.of()), 10, hour());
        stream.offer(new LiveEvent.NewMessage(message(null), null));
        await().during(Duration.ofMillis(300)).atMost(PATIENCE).until(() -> call.events.isEmpty());

        call.becomeReady();
        await().atMost(PATIENCE).until(() -> call.events.size() == 1);
    }

    @Test
    void aClientThatFallsBehindLosesItsStreamWithUnavailable() throws InterruptedException {
        call.blockWrites();
        MessageStream stream = start(history(Map.of(), List.of()), 3, hour());
        Message previous = null;
        for (int i = 0; i < 5; i++) {
            Message message = message(previous == null ? null : previous.id());
            stream.offer(new LiveEvent.NewMessage(message, previous == null ? null : previous.id()));
            previous = message;
        }
        call.unblockWrites();
        await().atMost(PATIENCE).until(() -> call.error.get() != null);
        assertThat(call.error.get().code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(call.error.get().getMessage()).contains("after_message_id");
    }

    @Test
    void theStreamEndsUnauthenticatedWhenTheTokenExpires() {
        start(history(Map.of(), List.of()), 10, Instant.now().plusMillis(300));
        await().atMost(PATIENCE).until(() -> call.error.get() != null);
        assertThat(call.error.get().code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void endingAStreamReachesTheClient() {
        MessageStream stream = start(history(Map.of(), List.of()), 10, hour());
        stream.end(NovaException.unavailable("this instance lost its live feed"));
        await().atMost(PATIENCE).until(() -> call.error.get() != null);
        assertThat(call.error.get().code()).isEqualTo(ErrorCode.UNAVAILABLE);
    }

    private MessageStream start(MessageHistory history, int maxQueued, Instant expiresAt) {
        MessageStream stream =
                new MessageStream(ADA, null, null, expiresAt, call, history, maxQueued, Clock.systemUTC());
        run(stream);
        return stream;
    }

    private void run(MessageStream stream) {
        workers.add(Thread.ofVirtual().start(() -> stream.run(() -> {})));
    }

    private Message message(UUID previous) {
        return new Message(ids.after(previous), CONVERSATION, BOB, "m" + UUID.randomUUID(), "k", Instant.now());
    }

    private static Instant hour() {
        return Instant.now().plus(Duration.ofHours(1));
    }

    private static MessageHistory history(Map<UUID, UUID> last, List<Message> gap) {
        return new MessageHistory() {
            @Override
            public Map<UUID, UUID> lastMessageIds(UUID user) {
                return last;
            }

            @Override
            public List<Message> after(UUID user, UUID conversationId, UUID after, int limit) {
                return List.of();
            }

            @Override
            public List<Message> between(UUID conversationId, UUID after, UUID before) {
                return gap;
            }
        };
    }

    /** The server side of a call as grpc-java hands it to a handler, recording what is written. */
    private static final class FakeCall extends ServerCallStreamObserver<StreamMessagesResponse> {
        final List<StreamMessagesResponse> events = new CopyOnWriteArrayList<>();
        final AtomicReference<NovaException> error = new AtomicReference<>();
        volatile boolean ready = true;
        private volatile Runnable onReady = () -> {};
        private volatile Runnable onCancel = () -> {};
        private volatile CountDownLatch writes = new CountDownLatch(0);
        private volatile boolean cancelled;

        List<String> texts() {
            return events.stream().map(event -> event.getMessage().getText()).toList();
        }

        void becomeReady() {
            ready = true;
            onReady.run();
        }

        void blockWrites() {
            writes = new CountDownLatch(1);
        }

        void unblockWrites() {
            writes.countDown();
        }

        void cancel() {
            cancelled = true;
            unblockWrites();
            onCancel.run();
        }

        @Override
        public boolean isCancelled() {
            return cancelled;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            onCancel = handler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReady = handler;
        }

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}

        @Override
        public void onNext(StreamMessagesResponse value) {
            try {
                // A slow client: the write blocks as Helidon's does until the HTTP/2 window opens.
                writes.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            events.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(NovaException.from(t));
        }

        @Override
        public void onCompleted() {}
    }
}
