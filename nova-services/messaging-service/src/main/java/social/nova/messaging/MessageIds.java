package social.nova.messaging;

import java.util.Comparator;
import java.util.UUID;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.impl.TimeBasedEpochGenerator;

/**
 * Message ids: UUIDv7 (RFC 9562; a 48-bit millisecond timestamp, then random bits), which sort by
 * time as bytes, as PostgreSQL compares {@code uuid}. The ids of one conversation must sort by
 * sending order even when two instances' clocks disagree, so {@link #after} never returns an id
 * at or below the conversation's last one: SendMessage calls it while holding the conversation's
 * row lock, and the id it gets is the next in the conversation whatever the local clock says.
 */
final class MessageIds {
    /** Byte order, as PostgreSQL sorts uuids ({@link UUID#compareTo} compares signed longs). */
    static final Comparator<UUID> ORDER = (a, b) -> {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    };

    private static final long VARIANT_BITS = 0x8000_0000_0000_0000L;
    private static final long RANDOM_B = 0x3FFF_FFFF_FFFF_FFFFL;

    private final TimeBasedEpochGenerator generator;

    MessageIds() {
        this(Generators.timeBasedEpochGenerator());
    }

    MessageIds(TimeBasedEpochGenerator generator) {
        this.generator = generator;
    }

    /** A new UUIDv7 above {@code last} (null: the conversation has no message yet). */
    UUID after(UUID last) {
        return above(generator.generate(), last);
    }

    /**
     * {@code candidate} if it sorts above {@code last}, else the id right above {@code last}: the
     * same timestamp and random bits plus one (this instance's clock is behind the one that wrote
     * {@code last}, or both got the same millisecond).
     */
    static UUID above(UUID candidate, UUID last) {
        if (last == null || ORDER.compare(candidate, last) > 0) {
            return candidate;
        }
        long low = last.getLeastSignificantBits();
        if ((low & RANDOM_B) != RANDOM_B) {
            return new UUID(last.getMostSignificantBits(), low + 1);
        }
        // The 62 random bits are all ones (odds 2^-62): the next millisecond, random bits zero.
        long millis = (last.getMostSignificantBits() >>> 16) + 1;
        return new UUID((millis << 16) | 0x7000L, VARIANT_BITS);
    }

    /** Whether {@code a} sorts after {@code b}. */
    static boolean isAfter(UUID a, UUID b) {
        return ORDER.compare(a, b) > 0;
    }
}
