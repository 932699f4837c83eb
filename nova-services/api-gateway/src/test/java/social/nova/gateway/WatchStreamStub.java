package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import com.google.protobuf.Timestamp;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.errors.NovaException;

import static org.awaitility.Awaitility.await;

/**
 * A stub of streaming-service's {@code WatchStream} that the test drives live: each call stays open
 * until the test sends updates into it and completes or fails it, and records whether the gateway
 * cancelled it; on a {@link LiveStubServer}. It serves no other RPC.
 */
final class WatchStreamStub implements AutoCloseable {
    /** One WatchStream call as the stub saw it. */
    static final class Watch {
        final WatchStreamRequest request;
        final String authorization;
        private final ServerCallStreamObserver<WatchStreamResponse> observer;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean ended = new AtomicBoolean();

        Watch(
                WatchStreamRequest request,
                String authorization,
                ServerCallStreamObserver<WatchStreamResponse> observer) {
            this.request = request;
            this.authorization = authorization;
            this.observer = observer;
            observer.setOnCancelHandler(() -> cancelled.set(true));
        }

        /** Sends the stream's state now. */
        synchronized void send(StreamStatus status, long viewers) {
            Instant now = Instant.now();
            observer.onNext(WatchStreamResponse.newBuilder()
                    .setStatus(status)
                    .setViewerCount(viewers)
                    .setUpdatedAt(Timestamp.newBuilder()
                            .setSeconds(now.getEpochSecond())
                            .setNanos(now.getNano()))
                    .build());
        }

        /** Completes the call with OK, as streaming-service does after a stream's final state. */
        synchronized void complete() {
            ended.set(true);
            observer.onCompleted();
        }

        /** Fails the call as a Nova service does, with the error's details. */
        synchronized void fail(NovaException error) {
            ended.set(true);
            observer.onError(error.toStatusException());
        }

        boolean open() {
            return !cancelled.get() && !ended.get();
        }

        /** Waits until the gateway cancelled the call. */
        void awaitCancelled() {
            await().atMost(Duration.ofSeconds(15))
                    .pollInterval(Duration.ofMillis(50))
                    .untilTrue(cancelled);
        }
    }

    private final LiveStubServer server;
    final List<Watch> watches = new CopyOnWriteArrayList<>();

    WatchStreamStub(ConsulContainer consul) {
        server = new LiveStubServer(consul, "streaming-service", new StreamingServiceGrpc.StreamingServiceImplBase() {
            @Override
            public void watchStream(WatchStreamRequest request, StreamObserver<WatchStreamResponse> observer) {
                watches.add(new Watch(
                        request, LiveStubServer.AUTHORIZATION.get(), (ServerCallStreamObserver<WatchStreamResponse>)
                                observer));
            }
        });
    }

    /** The newest open call carrying {@code authorization}, waited for. */
    Watch awaitOpenWatch(String authorization) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> watches.stream()
                                .filter(w -> authorization.equals(w.authorization) && w.open())
                                .reduce((first, second) -> second)
                                .orElse(null),
                        Objects::nonNull);
    }

    @Override
    public void close() {
        server.close();
    }
}
