package social.nova.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.grpc.Context;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/**
 * A statement waiting for a row lock stops when its gRPC call runs out of time or goes away,
 * instead of waiting for the lock holder (shared PostgreSQL, schema of its own).
 */
class StatementDeadlineIT {
    /** How long the lock holder keeps the row at most; the waiting call must end long before. */
    private static final long HOLD_SECONDS = 10;

    private static final String LOCK_ROW = "SELECT balance FROM accounts WHERE id = 1 FOR UPDATE";

    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final ScheduledExecutorService deadlines = Executors.newSingleThreadScheduledExecutor();
    private final CountDownLatch release = new CountDownLatch(1);
    private Database database;

    @BeforeEach
    void createAccount() throws SQLException {
        database = TestDatabases.provisioned("deadlines");
        database.jdbi().useHandle(handle -> {
            handle.execute("CREATE TABLE IF NOT EXISTS accounts (id int PRIMARY KEY, balance int NOT NULL)");
            handle.execute("DELETE FROM accounts");
            handle.execute("INSERT INTO accounts VALUES (1, 100)");
        });
    }

    @AfterEach
    void close() {
        release.countDown();
        threads.shutdownNow();
        deadlines.shutdownNow();
        database.close();
    }

    @Test
    void aForUpdateStopsWaitingAtTheCallsDeadlineAndTheLockHolderCommitsFine() throws Exception {
        Future<?> holder = holdTheRowLock();

        Context.CancellableContext call = Context.current().withDeadlineAfter(300, TimeUnit.MILLISECONDS, deadlines);
        Throwable failure = catchThrowable(() -> call.call(() -> database.jdbi()
                .inTransaction(handle ->
                        handle.createQuery(LOCK_ROW).mapTo(Integer.class).one())));

        assertThat(holder).as("the lock holder is still in its transaction").isNotDone();
        assertThat(sqlStateOf(failure)).isEqualTo("57014");
        assertThat(NovaException.from(failure).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);

        release.countDown();
        holder.get(HOLD_SECONDS, TimeUnit.SECONDS);
        assertThat(balance()).isEqualTo(150);
    }

    @Test
    void aForUpdateStopsWaitingWhenItsCallerGoesAway() throws Exception {
        Future<?> holder = holdTheRowLock();

        Context.CancellableContext call = Context.current().withCancellation();
        Future<Integer> waiting = threads.submit(() -> call.call(() -> database.jdbi()
                .inTransaction(handle ->
                        handle.createQuery(LOCK_ROW).mapTo(Integer.class).one())));
        await().atMost(Duration.ofSeconds(5)).until(() -> sessionsWaitingForALock() == 1);
        call.cancel(null);

        Throwable failure = catchThrowable(() -> waiting.get(HOLD_SECONDS / 2, TimeUnit.SECONDS));
        assertThat(holder).as("the lock holder is still in its transaction").isNotDone();
        assertThat(sqlStateOf(failure)).isEqualTo("57014");

        release.countDown();
        holder.get(HOLD_SECONDS, TimeUnit.SECONDS);
        assertThat(balance()).isEqualTo(150);
    }

    @Test
    void aStatementOfACallAlreadyOutOfTimeIsNotSent() {
        Context.CancellableContext call = Context.current().withDeadlineAfter(0, TimeUnit.MILLISECONDS, deadlines);

        Throwable failure = catchThrowable(() ->
                call.run(() -> database.jdbi().useHandle(handle -> handle.execute("UPDATE accounts SET balance = 0"))));

        assertThat(sqlStateOf(failure)).isEqualTo("57014");
        assertThat(NovaException.from(failure).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
        assertThat(balance()).isEqualTo(100);
    }

    /** Transaction 1: locks and changes the row, then keeps the lock until released (at most 10 s). */
    private Future<?> holdTheRowLock() throws InterruptedException {
        CountDownLatch locked = new CountDownLatch(1);
        Future<?> holder = threads.submit(() -> {
            database.jdbi().useTransaction(handle -> {
                handle.createQuery(LOCK_ROW).mapTo(Integer.class).one();
                handle.execute("UPDATE accounts SET balance = 150 WHERE id = 1");
                locked.countDown();
                release.await(HOLD_SECONDS, TimeUnit.SECONDS);
            });
            return null;
        });
        assertThat(locked.await(HOLD_SECONDS, TimeUnit.SECONDS)).isTrue();
        return holder;
    }

    private int balance() {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT balance FROM accounts WHERE id = 1")
                        .mapTo(Integer.class)
                        .one());
    }

    private int sessionsWaitingForALock() {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND usename = 'deadlines'")
                        .mapTo(Integer.class)
                        .one());
    }

    private static String sqlStateOf(Throwable failure) {
        assertThat(failure).as("the waiting call failed").isNotNull();
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        throw new AssertionError("no SQLException in " + failure, failure);
    }
}
