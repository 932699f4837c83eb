package social.nova.streaming;

import java.util.UUID;

import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** streaming-service's typed failures, with the reasons its contract names (domain streaming.nova.social). */
final class StreamingErrors {
    static final String DOMAIN = "streaming.nova.social";

    private StreamingErrors() {}

    /** Unknown streams and those whose owner blocks the caller look the same. */
    static NovaException streamNotFound(Object streamId) {
        return NovaException.notFound("stream", String.valueOf(streamId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException alreadyLive(UUID openStream) {
        return NovaException.builder(
                        ErrorCode.FAILED_PRECONDITION,
                        "the caller already has a live or starting stream (" + openStream + "); end it first")
                .reason("ALREADY_LIVE")
                .domain(DOMAIN)
                .metadata("stream_id", openStream.toString())
                .build();
    }

    static NovaException notOwner() {
        return NovaException.builder(ErrorCode.PERMISSION_DENIED, "only the broadcaster may end a stream")
                .reason("NOT_OWNER")
                .domain(DOMAIN)
                .build();
    }

    static NovaException streamEnded(UUID streamId) {
        return NovaException.builder(ErrorCode.FAILED_PRECONDITION, "stream " + streamId + " has ended")
                .reason("STREAM_ENDED")
                .domain(DOMAIN)
                .metadata("stream_id", streamId.toString())
                .build();
    }

    /** Viewers live in Redis: without it nobody can be counted. */
    static NovaException viewersUnavailable(RuntimeException cause) {
        return NovaException.builder(ErrorCode.UNAVAILABLE, "viewers cannot be counted right now; retry later")
                .domain(DOMAIN)
                .cause(cause)
                .build();
    }
}
