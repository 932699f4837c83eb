package social.nova.messaging;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.ReadMarker;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;

/** What a client of StreamMessages received: events in order, and how the stream ended. */
final class StreamRecorder implements ClientResponseObserver<StreamMessagesRequest, StreamMessagesResponse> {
    private final List<StreamMessagesResponse> events = new CopyOnWriteArrayList<>();
    private final AtomicReference<Status> ended = new AtomicReference<>();
    private volatile ClientCallStreamObserver<StreamMessagesRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<StreamMessagesRequest> requestStream) {
        this.call = requestStream;
    }

    @Override
    public void onNext(StreamMessagesResponse event) {
        events.add(event);
    }

    @Override
    public void onError(Throwable t) {
        ended.set(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
        ended.set(Status.OK);
    }

    /** The texts of the messages received, in order. */
    List<String> texts() {
        return messages().stream().map(Message::getText).toList();
    }

    List<Message> messages() {
        return events.stream()
                .filter(StreamMessagesResponse::hasMessage)
                .map(StreamMessagesResponse::getMessage)
                .toList();
    }

    List<ReadMarker> reads() {
        return events.stream()
                .filter(StreamMessagesResponse::hasRead)
                .map(StreamMessagesResponse::getRead)
                .toList();
    }

    /** How the stream ended; null while it is open. */
    Status ended() {
        return ended.get();
    }

    void cancel() {
        call.cancel("test done", null);
    }
}
