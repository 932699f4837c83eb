package social.nova.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import social.nova.events.Event;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Malformed stream events are refused before anything is written (no database here: a handler
 * that got as far as writing would fail otherwise), so nova-events retries them and moves them to
 * the dead-letter stream with the message; types the feed does not handle are ignored.
 */
class FeedEventsTest {
    private static final String STREAM = UUID.randomUUID().toString();
    private static final String OWNER = UUID.randomUUID().toString();

    private final FeedEvents events = new FeedEvents(null, new FeedStore(), 50, 10_000, Duration.ofDays(7));

    @Test
    void aStreamStartedWithoutItsTitleOrWithABadIdIsRefusedNamingTheField() {
        assertThatThrownBy(() -> events.handleStream(event(
                        "StreamStarted",
                        "{\"streamId\":\"%s\",\"ownerId\":\"%s\",\"playbackUrl\":\"http://hls/x\",\"liveAt\":\"%s\"}"
                                .formatted(STREAM, OWNER, Instant.now()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("StreamStarted payload lacks title");
        assertThatThrownBy(() -> events.handleStream(event(
                        "StreamStarted",
                        "{\"streamId\":\"42\",\"ownerId\":\"%s\",\"title\":\"t\",\"playbackUrl\":\"u\",\"liveAt\":\"%s\"}"
                                .formatted(OWNER, Instant.now()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("StreamStarted payload field streamId is not a UUID: 42");
    }

    @Test
    void aStreamEndedWithoutItsEndTimeIsRefused() {
        assertThatThrownBy(() -> events.handleStream(
                        event("StreamEnded", "{\"streamId\":\"%s\",\"ownerId\":\"%s\"}".formatted(STREAM, OWNER))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("StreamEnded payload lacks endedAt");
        assertThatThrownBy(() -> events.handleStream(event("StreamEnded", "[]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("StreamEnded payload is not a JSON object");
    }

    @Test
    void otherTypesOnTheStreamAreIgnored() {
        assertThatCode(() -> events.handleStream(event("StreamRenamed", "{}"))).doesNotThrowAnyException();
    }

    private static Event event(String type, String payload) {
        return new Event(UUID.randomUUID().toString(), type, "stream", STREAM, Instant.now(), payload, Map.of(), 1);
    }
}
