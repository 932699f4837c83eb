package social.nova.redis;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Logs a recurring problem at most once per interval, saying how many occurrences were not
 * logged in between. Used where a dependency outage would otherwise log once per call.
 */
public final class ThrottledLogger {
    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoTime;
    private final AtomicLong nextLogAt;
    private final AtomicLong suppressed = new AtomicLong();

    public ThrottledLogger(Logger logger, Duration interval) {
        this(logger, interval, System::nanoTime);
    }

    ThrottledLogger(Logger logger, Duration interval, LongSupplier nanoTime) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.intervalNanos =
                Settings.requireNotNegative("log interval", interval).toNanos();
        this.nanoTime = nanoTime;
        this.nextLogAt = new AtomicLong(nanoTime.getAsLong());
    }

    /**
     * Logs the message (and the error's own message, not its stack trace) if the interval has
     * passed since the last logged one; otherwise only counts it.
     *
     * @return whether it was logged
     */
    public boolean log(Level level, String message, Throwable error) {
        long now = nanoTime.getAsLong();
        long due = nextLogAt.get();
        if (now - due < 0 || !nextLogAt.compareAndSet(due, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return false;
        }
        long skipped = suppressed.getAndSet(0);
        String text = message
                + (error == null ? "" : ": " + describe(error))
                + (skipped > 0 ? " (" + skipped + " more since the last report)" : "");
        logger.log(level, text);
        return true;
    }

    private static String describe(Throwable error) {
        StringBuilder text = new StringBuilder(error.toString());
        Throwable cause = error.getCause();
        if (cause != null && cause != error) {
            text.append(" <- ").append(cause);
        }
        return text.toString();
    }
}
