package social.nova.streaming;

import social.nova.contracts.streaming.v1.LiveStream;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.kit.Protos;

/** Domain to proto for streaming-service's answers. */
final class StreamingProtos {
    private StreamingProtos() {}

    static LiveStream stream(Streams.StreamView view, StreamingSettings settings) {
        Stream stream = view.stream();
        LiveStream.Builder proto = LiveStream.newBuilder()
                .setId(stream.id().toString())
                .setOwnerId(stream.ownerId().toString())
                .setTitle(stream.title())
                .setDescription(stream.description())
                .setStatus(status(stream.status()))
                .setViewerCount(view.viewers())
                .setPlaybackUrl(settings.playbackUrlOf(stream.id()))
                .setStartedAt(Protos.timestamp(stream.startedAt()));
        if (stream.endedAt() != null) {
            proto.setEndedAt(Protos.timestamp(stream.endedAt()));
        }
        return proto.build();
    }

    static StreamStatus status(Stream.Status status) {
        return switch (status) {
            case STARTING -> StreamStatus.STREAM_STATUS_STARTING;
            case LIVE -> StreamStatus.STREAM_STATUS_LIVE;
            case ENDED -> StreamStatus.STREAM_STATUS_ENDED;
        };
    }
}
