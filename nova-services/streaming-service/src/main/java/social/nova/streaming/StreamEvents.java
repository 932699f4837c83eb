package social.nova.streaming;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import social.nova.db.OutboxEvent;
import social.nova.rpc.CallContext;

/**
 * The events streaming-service publishes through its outbox to {@code nova.events.stream}
 * (aggregate {@code stream}, aggregate id = stream id; every change locks the stream's row, so a
 * stream's events leave in order). StreamStarted is sent when video arrives (the stream goes LIVE),
 * not at StartStream: followers hear of streams they can watch, never of one that fails to start.
 * StreamEnded follows every StreamStarted, and also ends a stream that never went live (with reason
 * NEVER_PUBLISHED), so a consumer may rely on one StreamEnded per stream.
 */
final class StreamEvents {
    static final String AGGREGATE = "stream";
    static final String STREAM_STARTED = "StreamStarted";
    static final String STREAM_ENDED = "StreamEnded";
    private static final ObjectMapper JSON = new ObjectMapper();

    private StreamEvents() {}

    /** {@code {streamId, ownerId, title, playbackUrl, startedAt, liveAt}}. */
    static OutboxEvent started(Stream stream, String playbackUrl, Instant liveAt) {
        Map<String, Object> payload = base(stream);
        payload.put("title", stream.title());
        payload.put("playbackUrl", playbackUrl);
        payload.put("startedAt", stream.startedAt().toString());
        payload.put("liveAt", liveAt.toString());
        return event(stream, STREAM_STARTED, payload);
    }

    /** {@code {streamId, ownerId, reason, peakViewers, wentLive, endedAt}}. */
    static OutboxEvent ended(Stream stream, Stream.EndReason reason, long peakViewers, Instant endedAt) {
        Map<String, Object> payload = base(stream);
        payload.put("reason", reason.name());
        payload.put("peakViewers", peakViewers);
        payload.put("wentLive", stream.liveAt() != null);
        payload.put("endedAt", endedAt.toString());
        return event(stream, STREAM_ENDED, payload);
    }

    private static Map<String, Object> base(Stream stream) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("streamId", stream.id().toString());
        payload.put("ownerId", stream.ownerId().toString());
        return payload;
    }

    private static OutboxEvent event(Stream stream, String type, Map<String, Object> payload) {
        try {
            OutboxEvent event =
                    OutboxEvent.of(AGGREGATE, stream.id().toString(), type, JSON.writeValueAsString(payload));
            String requestId = CallContext.currentRequestId();
            return requestId == null ? event : event.withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + type, e);
        }
    }
}
