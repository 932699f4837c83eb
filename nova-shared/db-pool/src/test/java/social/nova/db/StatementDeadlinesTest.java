package social.nova.db;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Deadline;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The query timeout a statement gets, on a fake clock. */
class StatementDeadlinesTest {
    private static final Duration MAXIMUM = Duration.ofSeconds(30);
    private final FakeTicker ticker = new FakeTicker();

    @Test
    void aStatementOutsideAnyCallGetsTheMaximum() {
        assertThat(StatementDeadlines.timeoutMillis(null, MAXIMUM)).isEqualTo(30_000);
    }

    @Test
    void aStatementOfACallGetsTheCallsRemainingTime() {
        Deadline deadline = Deadline.after(300, TimeUnit.MILLISECONDS, ticker);
        ticker.advance(TimeUnit.MILLISECONDS.toNanos(100) + 1);

        assertThat(StatementDeadlines.timeoutMillis(deadline, MAXIMUM)).isEqualTo(200);
    }

    @Test
    void aLongDeadlineIsCappedAtTheMaximum() {
        assertThat(StatementDeadlines.timeoutMillis(Deadline.after(5, TimeUnit.MINUTES, ticker), MAXIMUM))
                .isEqualTo(30_000);
    }

    @Test
    void aPassedDeadlineLeavesNoTime() {
        Deadline deadline = Deadline.after(300, TimeUnit.MILLISECONDS, ticker);
        ticker.advance(TimeUnit.MILLISECONDS.toNanos(300));

        assertThat(StatementDeadlines.timeoutMillis(deadline, MAXIMUM)).isLessThanOrEqualTo(0);
    }

    private static final class FakeTicker extends Deadline.Ticker {
        private long nanos;

        @Override
        public long nanoTime() {
            return nanos;
        }

        void advance(long by) {
            nanos += by;
        }
    }
}
