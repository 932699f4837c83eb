package social.nova.rpc;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.grpc.Deadline;

/**
 * A {@link Deadline.Ticker} that stands still until a test moves it, so that a deadline made with
 * {@code Deadline.after(amount, unit, ticker)} has exactly the time left the test says, however
 * busy the machine is.
 */
final class FakeTicker extends Deadline.Ticker {
    private final AtomicLong nanos = new AtomicLong();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    void advance(long amount, TimeUnit unit) {
        nanos.addAndGet(unit.toNanos(amount));
    }

    /** The time this ticker has been moved on since it was made. */
    long elapsed(TimeUnit unit) {
        return unit.convert(nanos.get(), TimeUnit.NANOSECONDS);
    }
}
