package social.nova.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/** A clock tests move by hand. */
final class MutableClock extends Clock {
    private volatile Instant now;

    /**
     * Starts at {@code start} truncated to microseconds, PostgreSQL's precision: an instant stored
     * and read back must compare equal to the clock's, not a rounded-up microsecond later (a key
     * ring stored at 10.514507839 reads back as 10.514508 and its rotation was one microsecond late).
     */
    MutableClock(Instant start) {
        this.now = start.truncatedTo(ChronoUnit.MICROS);
    }

    void advance(Duration duration) {
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

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException();
    }
}
