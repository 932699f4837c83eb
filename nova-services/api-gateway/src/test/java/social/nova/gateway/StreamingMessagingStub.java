package social.nova.gateway;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;

import static org.awaitility.Awaitility.await;

/**
 * A stub of messaging-service's {@code StreamMessages} that the test drives live: each call stays
 * open, the test pushes events into it, ends it with a status, or floods it (obeying gRPC flow
 * control), on a {@link LiveStubServer}.
 */
final class StreamingMessagingStub implements AutoCloseable {
    /** One StreamMessages call as the stub saw it. */
    static final class Stream {
        final StreamMessagesRequest request;
        final String authorization;
        private final ServerCallStreamObserver<StreamMessagesResponse> observer;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicInteger flooded = new AtomicInteger();

        Stream(
                StreamMessagesRequest request,
                String authorization,
                ServerCallStreamObserver<StreamMessagesResponse> observer) {
            this.request = request;
            this.authorization = authorization;
            this.observer = observer;
            observer.setOnCancelHandler(() -> cancelled.set(true));
            // Only settable before the handler returns: it runs whatever flood() installs.
            observer.setOnReadyHandler(() -> onReady.run());
        }

        private volatile Runnable onReady = () -> {};

        synchronized void send(Message message) {
            observer.onNext(
                    StreamMessagesResponse.newBuilder().setMessage(message).build());
        }

        synchronized void send(StreamMessagesResponse event) {
            observer.onNext(event);
        }

        synchronized void fail(Status status) {
            ended.set(true);
            observer.onError(status.asRuntimeException());
        }

        /** Streams {@code messages} as fast as flow control lets it, until cancelled. */
        void flood(java.util.function.IntFunction<Message> messages, int count) {
            Runnable pump = () -> {
                synchronized (this) {
                    while (observer.isReady() && !cancelled.get() && flooded.get() < count) {
                        observer.onNext(StreamMessagesResponse.newBuilder()
                                .setMessage(messages.apply(flooded.getAndIncrement()))
                                .build());
                    }
                }
            };
            onReady = pump;
            pump.run();
        }

        boolean open() {
            return !cancelled.get() && !ended.get();
        }
    }

    private final LiveStubServer server;
    final List<Stream> streams = new CopyOnWriteArrayList<>();

    StreamingMessagingStub(ConsulContainer consul) {
        server = new LiveStubServer(consul, "messaging-service", new MessagingServiceGrpc.MessagingServiceImplBase() {
            @Override
            public void streamMessages(StreamMessagesRequest request, StreamObserver<StreamMessagesResponse> observer) {
                streams.add(new Stream(
                        request, LiveStubServer.AUTHORIZATION.get(), (ServerCallStreamObserver<StreamMessagesResponse>)
                                observer));
            }
        });
    }

    /** The newest open stream carrying {@code authorization}, waited for. */
    Stream awaitOpenStream(String authorization) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> streams.stream()
                                .filter(s -> authorization.equals(s.authorization) && s.open())
                                .reduce((first, second) -> second)
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    /** A newer open stream than {@code previous}, of the same caller. */
    Stream awaitNewStream(Stream previous) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> streams.stream()
                                .skip(streams.indexOf(previous) + 1)
                                .filter(s -> previous.authorization.equals(s.authorization) && s.open())
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    @Override
    public void close() {
        server.close();
    }
}
