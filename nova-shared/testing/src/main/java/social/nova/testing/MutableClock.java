package social.nova.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * A UTC clock that tests move by hand, for code that takes a {@link Clock} (caches, key rings,
 * grace periods) instead of waiting for real time to pass.
 *
 * <p>It starts on a whole microsecond, PostgreSQL's precision: an instant stored and read back
 * must compare equal to the clock's, not a rounded-up microsecond later (a key ring stored at
 * 10.514507839 read back as 10.514508 and its rotation came one microsecond late).
 */
public final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
        this.now = start.truncatedTo(ChronoUnit.MICROS);
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** The same clock: it has no zone of its own beyond UTC. */
    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
