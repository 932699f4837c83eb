package social.nova.messaging;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class WatermarksTest {
    private static final UUID CONVERSATION = UUID.randomUUID();
    private final MessageIds ids = new MessageIds();
    private final UUID m1 = ids.after(null);
    private final UUID m2 = ids.after(m1);
    private final UUID m3 = ids.after(m2);
    private final UUID m4 = ids.after(m3);

    @Test
    void theNextMessageOfAConversationIsDeliveredAndAnEarlierOneSkipped() {
        Watermarks marks = new Watermarks(null, Map.of(CONVERSATION, m1));
        assertThat(marks.decide(CONVERSATION, m2, m1)).isEqualTo(new Watermarks.Deliver());
        marks.delivered(CONVERSATION, m2);
        assertThat(marks.decide(CONVERSATION, m2, m1)).isEqualTo(new Watermarks.Skip());
        assertThat(marks.decide(CONVERSATION, m1, null)).isEqualTo(new Watermarks.Skip());
    }

    @Test
    void aMessageWhosePredecessorWasNotDeliveredFillsTheGapFromTheMark() {
        Watermarks marks = new Watermarks(null, Map.of(CONVERSATION, m1));
        // m3 arrived before m2 (published by another instance a moment later).
        assertThat(marks.decide(CONVERSATION, m3, m2)).isEqualTo(new Watermarks.FillGap(m1));
        marks.delivered(CONVERSATION, m2);
        marks.delivered(CONVERSATION, m3);
        // m2's own event comes last and is dropped.
        assertThat(marks.decide(CONVERSATION, m2, m1)).isEqualTo(new Watermarks.Skip());
    }

    @Test
    void aResumedStreamStartsEveryConversationAtTheResumePoint() {
        Watermarks marks = new Watermarks(m2, Map.of());
        assertThat(marks.decide(CONVERSATION, m2, m1)).isEqualTo(new Watermarks.Skip());
        assertThat(marks.decide(CONVERSATION, m3, m2)).isEqualTo(new Watermarks.Deliver());
        assertThat(marks.decide(CONVERSATION, m4, m3)).isEqualTo(new Watermarks.FillGap(m2));
    }

    @Test
    void aConversationUnknownToALiveStreamIsDeliveredFromItsFirstMessage() {
        Watermarks marks = new Watermarks(null, Map.of());
        assertThat(marks.decide(CONVERSATION, m1, null)).isEqualTo(new Watermarks.Deliver());
        assertThat(marks.decide(CONVERSATION, m2, m1)).isEqualTo(new Watermarks.FillGap(null));
    }

    @Test
    void marksOnlyMoveForward() {
        Watermarks marks = new Watermarks(null, Map.of());
        marks.delivered(CONVERSATION, m3);
        marks.delivered(CONVERSATION, m2);
        assertThat(marks.decide(CONVERSATION, m3, m2)).isEqualTo(new Watermarks.Skip());
    }
}
