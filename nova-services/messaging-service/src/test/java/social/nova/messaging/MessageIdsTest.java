package social.nova.messaging;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MessageIdsTest {
    private final MessageIds ids = new MessageIds();

    @Test
    void idsAreVersionSevenAndGrowWithEachSend() {
        List<UUID> sent = new ArrayList<>();
        UUID last = null;
        for (int i = 0; i < 10_000; i++) {
            last = ids.after(last);
            sent.add(last);
        }
        assertThat(sent).allSatisfy(id -> assertThat(id.version()).isEqualTo(7));
        assertThat(sent).isSortedAccordingTo(MessageIds.ORDER).doesNotHaveDuplicates();
    }

    @Test
    void anIdFromAClockBehindTheLastOneStillSortsAfterIt() {
        // The conversation's last message came from an instance whose clock is an hour ahead.
        UUID ahead = v7(System.currentTimeMillis() + 3_600_000L, 0x8000_0000_0000_1234L);
        UUID next = ids.after(ahead);
        assertThat(MessageIds.isAfter(next, ahead)).isTrue();
        assertThat(next.version()).isEqualTo(7);
        assertThat(next.variant()).isEqualTo(2);
        assertThat(next.getMostSignificantBits()).isEqualTo(ahead.getMostSignificantBits());
    }

    @Test
    void whenTheRandomBitsAreExhaustedTheNextMillisecondIsTaken() {
        UUID full = v7(1_000L, 0xBFFF_FFFF_FFFF_FFFFL);
        UUID next = MessageIds.above(v7(999L, 0x8000_0000_0000_0000L), full);
        assertThat(MessageIds.isAfter(next, full)).isTrue();
        assertThat(next.version()).isEqualTo(7);
        assertThat(next.variant()).isEqualTo(2);
        assertThat(next.getMostSignificantBits() >>> 16).isEqualTo(1_001L);
    }

    @Test
    void orderIsByteOrderAsInPostgresqlNotJavasSignedComparison() {
        UUID low = new UUID(0x7000_0000_0000_0000L, 0);
        UUID high = new UUID(0x8000_0000_0000_0000L, 0); // negative as a signed long
        assertThat(low.compareTo(high)).isPositive();
        assertThat(MessageIds.ORDER.compare(low, high)).isNegative();
    }

    private static UUID v7(long millis, long low) {
        return new UUID((millis << 16) | 0x7000L | 0x0ABCL, low);
    }
}
