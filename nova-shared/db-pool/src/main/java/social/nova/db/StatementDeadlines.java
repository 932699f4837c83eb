package social.nova.db;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import io.grpc.Deadline;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.StatementCustomizer;
import org.postgresql.jdbc.PgStatement;

/**
 * Carries the deadline of the gRPC call being served down to every statement Jdbi runs, so that
 * a statement (a {@code SELECT ... FOR UPDATE} waiting for a row lock, a slow query) stops when
 * its caller can no longer use the answer:
 * <ul>
 *   <li>its JDBC query timeout (pgjdbc, in milliseconds) is the call's remaining deadline from
 *       {@link Context#current()} (which the service kit sets from {@code grpc-timeout}), and at
 *       most {@code statement-timeout}, which is also the timeout of a statement outside any call
 *       (the outbox relay) or of a call without a deadline;</li>
 *   <li>when the call's Context is cancelled (the caller went away, or the deadline passed), the
 *       running statement is cancelled at once;</li>
 *   <li>a statement whose call is already out of time is not sent at all.</li>
 * </ul>
 * PostgreSQL then ends the statement with SQLState {@code 57014} (query_canceled), which
 * nova-error-types maps to DEADLINE_EXCEEDED; the transaction rolls back and its locks are freed.
 */
final class StatementDeadlines implements StatementCustomizer {
    private final Duration maximum;

    StatementDeadlines(Duration maximum) {
        this.maximum = maximum;
    }

    @Override
    public void beforeExecution(PreparedStatement statement, StatementContext statementContext) throws SQLException {
        Context call = Context.current();
        long timeoutMillis = timeoutMillis(call.getDeadline(), maximum);
        if (timeoutMillis <= 0 || call.isCancelled()) {
            throw new SQLTimeoutException("the call's deadline passed before the statement was sent", "57014");
        }
        statement.unwrap(PgStatement.class).setQueryTimeoutMs(timeoutMillis);
        Context.CancellationListener cancel = cancelled -> cancel(statement);
        call.addListener(cancel, Runnable::run);
        statementContext.addCleanable(() -> call.removeListener(cancel));
    }

    /**
     * The query timeout for a statement run now: the deadline's remaining time (rounded up to a
     * whole millisecond) capped at {@code maximum}; 0 or less when the deadline has passed.
     */
    static long timeoutMillis(Deadline deadline, Duration maximum) {
        long max = maximum.toMillis();
        if (deadline == null) {
            return max;
        }
        long remainingNanos = deadline.timeRemaining(TimeUnit.NANOSECONDS);
        if (remainingNanos <= 0) {
            return 0;
        }
        return Math.min(max, TimeUnit.NANOSECONDS.toMillis(remainingNanos + 999_999));
    }

    private static void cancel(PreparedStatement statement) {
        try {
            statement.cancel();
        } catch (SQLException | RuntimeException ignored) {
            // The statement finished or its connection broke: nothing is left to cancel.
        }
    }
}
