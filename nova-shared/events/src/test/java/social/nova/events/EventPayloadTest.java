package social.nova.events;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventPayloadTest {
    private static Event event(String payload) {
        return new Event("e-1", "UserFollowed", "user", "u-1", null, payload, Map.of(), 1);
    }

    @Test
    void readsTextUuidsAndTimes() {
        UUID follower = UUID.randomUUID();
        EventPayload payload = EventPayload.of(event("{\"followerId\":\"" + follower
                + "\",\"followedAt\":\"2026-12-01T10:00:00.123456Z\",\"note\":\"hi\"}"));
        assertThat(payload.uuid("followerId")).isEqualTo(follower);
        assertThat(payload.instant("followedAt")).isEqualTo(Instant.parse("2026-12-01T10:00:00.123456Z"));
        assertThat(payload.text("note")).isEqualTo("hi");
    }

    @Test
    void aMissingBlankOrMalformedFieldIsRefusedNamingTypeAndField() {
        EventPayload payload = EventPayload.of(
                event("{\"followerId\":\"nope\",\"followedAt\":\"yesterday\",\"blank\":\" \",\"n\":1}"));
        assertThatThrownBy(() -> payload.text("followeeId")).hasMessage("UserFollowed payload lacks followeeId");
        assertThatThrownBy(() -> payload.text("blank")).hasMessage("UserFollowed payload lacks blank");
        assertThatThrownBy(() -> payload.text("n")).hasMessage("UserFollowed payload lacks n");
        assertThatThrownBy(() -> payload.uuid("followerId")).hasMessageContaining("followerId is not a UUID");
        assertThatThrownBy(() -> payload.instant("followedAt"))
                .hasMessageContaining("followedAt is not an ISO-8601 time");
    }

    @Test
    void readsAnArrayOfUuidsInOrderAndRefusesAnythingElse() {
        UUID first = UUID.randomUUID();
        UUID second = UUID.randomUUID();
        EventPayload payload = EventPayload.of(event("{\"ids\":[\"" + second + "\",\"" + first
                + "\"],\"none\":[],\"one\":\"" + first + "\",\"bad\":[\"" + first + "\",7]}"));
        assertThat(payload.uuids("ids")).containsExactly(second, first);
        assertThat(payload.uuids("none")).isEmpty();
        assertThatThrownBy(() -> payload.uuids("missing")).hasMessage("UserFollowed payload lacks the array missing");
        assertThatThrownBy(() -> payload.uuids("one")).hasMessage("UserFollowed payload lacks the array one");
        assertThatThrownBy(() -> payload.uuids("bad"))
                .hasMessage("UserFollowed payload field bad holds something that is not a UUID: 7");
    }

    @Test
    void aPayloadThatIsNotAJsonObjectIsRefused() {
        assertThatThrownBy(() -> EventPayload.of(event("not json")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("UserFollowed payload is not JSON");
        assertThatThrownBy(() -> EventPayload.of(event("[1,2]")))
                .hasMessage("UserFollowed payload is not a JSON object");
    }
}
