package social.nova.streaming;

import java.time.Instant;
import java.util.UUID;

/**
 * A live stream as stored. {@code keyHash} is the SHA-256 of its stream key; {@code peakViewers}
 * is final once the stream ended (before that, Redis holds the running peak).
 */
record Stream(
        UUID id,
        UUID ownerId,
        String title,
        String description,
        Status status,
        byte[] keyHash,
        Instant startedAt,
        Instant liveAt,
        Instant publisherSeenAt,
        Instant endedAt,
        String endReason,
        long peakViewers) {

    /** The life cycle: STARTING until the media server's first publish, LIVE, then ENDED for good. */
    enum Status {
        STARTING,
        LIVE,
        ENDED
    }

    /** Why a stream ended, as stored and as StreamEnded says. */
    enum EndReason {
        /** EndStream by its owner. */
        OWNER_ENDED,
        /** The encoder stopped publishing (the media server's publish-done). */
        PUBLISHER_STOPPED,
        /** The media server stopped reporting the publisher for longer than the publisher timeout. */
        PUBLISHER_LOST,
        /** No video arrived within the start timeout. */
        NEVER_PUBLISHED
    }

    boolean ended() {
        return status == Status.ENDED;
    }
}
