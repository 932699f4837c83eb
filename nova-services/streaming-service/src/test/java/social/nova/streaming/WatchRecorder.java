package social.nova.streaming;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import social.nova.contracts.streaming.v1.WatchStreamRequest;
import social.nova.contracts.streaming.v1.WatchStreamResponse;

/** What a client of WatchStream received: updates in order, and how the call ended. */
final class WatchRecorder implements ClientResponseObserver<WatchStreamRequest, WatchStreamResponse> {
    private final List<WatchStreamResponse> updates = new CopyOnWriteArrayList<>();
    private final List<Long> arrivals = new CopyOnWriteArrayList<>();
    private final AtomicReference<Status> ended = new AtomicReference<>();
    private volatile ClientCallStreamObserver<WatchStreamRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<WatchStreamRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(WatchStreamResponse update) {
        arrivals.add(System.nanoTime() / 1_000_000);
        updates.add(update);
    }

    @Override
    public void onError(Throwable t) {
        ended.set(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        ended.set(Status.OK);
    }

    List<WatchStreamResponse> updates() {
        return List.copyOf(updates);
    }

    /** When each update arrived (ms, of System.nanoTime). */
    List<Long> arrivals() {
        return List.copyOf(arrivals);
    }

    WatchStreamResponse last() {
        return updates.isEmpty() ? null : updates.getLast();
    }

    /** How the call ended; null while it is open. */
    Status ended() {
        return ended.get();
    }

    void cancel() {
        call.cancel("test done", null);
    }
}
