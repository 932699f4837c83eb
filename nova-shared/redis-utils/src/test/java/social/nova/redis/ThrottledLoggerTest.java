package social.nova.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThrottledLoggerTest {

    @Test
    void logsOncePerIntervalAndCountsWhatItSkipped() {
        RecordingLogger logger = new RecordingLogger();
        AtomicLong now = new AtomicLong();
        ThrottledLogger throttled = new ThrottledLogger(logger, Duration.ofSeconds(30), now::get);
        RuntimeException error = new IllegalStateException("connection refused");

        assertThat(throttled.log(System.Logger.Level.WARNING, "Redis GET failed", error))
                .isTrue();
        for (int i = 0; i < 5; i++) {
            assertThat(throttled.log(System.Logger.Level.WARNING, "Redis GET failed", error))
                    .isFalse();
        }
        now.addAndGet(Duration.ofSeconds(31).toNanos());
        assertThat(throttled.log(System.Logger.Level.WARNING, "Redis GET failed", error))
                .isTrue();

        assertThat(logger.messages).hasSize(2);
        assertThat(logger.messages.get(0))
                .isEqualTo("Redis GET failed: java.lang.IllegalStateException: connection refused");
        assertThat(logger.messages.get(1)).endsWith("(5 more since the last report)");
    }

    /** Collects formatted messages. */
    static final class RecordingLogger implements System.Logger {
        final List<String> messages = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            messages.add(msg);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            messages.add(format);
        }
    }
}
