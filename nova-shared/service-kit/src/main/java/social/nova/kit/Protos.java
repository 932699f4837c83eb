package social.nova.kit;

import java.time.Instant;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;

/** Small helpers every gRPC endpoint needs, so that endpoints stay one line per RPC. */
public final class Protos {
    private Protos() {}

    /** Answers a unary call: one message, then completion. */
    public static <T> void reply(StreamObserver<T> response, T message) {
        response.onNext(message);
        response.onCompleted();
    }

    public static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }

    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
