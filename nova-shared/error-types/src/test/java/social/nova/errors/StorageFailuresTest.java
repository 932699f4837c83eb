package social.nova.errors;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** Database failures that are not the request's fault reach the caller as UNAVAILABLE, not INTERNAL. */
class StorageFailuresTest {

    /** As Jdbi wraps what pgjdbc threw: an unchecked exception around the SQLException. */
    private static RuntimeException wrapped(SQLException sql) {
        return new IllegalStateException("Unable to execute statement [INSERT ...]", sql);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "08000", // connection_exception
                "08001", // sqlclient_unable_to_establish_sqlconnection (pgjdbc: connection refused)
                "08003", // connection_does_not_exist
                "08004", // sqlserver_rejected_establishment_of_sqlconnection
                "08006", // connection_failure (pgjdbc: I/O error while sending to the backend)
                "08P01", // protocol_violation
                "57P01", // admin_shutdown (PostgreSQL stopping: "terminating connection due to administrator command")
                "57P02", // crash_shutdown
                "57P03", // cannot_connect_now (starting up)
                "53300" // too_many_connections
            })
    void connectionFailuresAreUnavailable(String sqlState) {
        NovaException error = NovaException.from(wrapped(new SQLException("FATAL: boom at 10.0.0.7:5432", sqlState)));

        assertThat(error.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(error).hasMessage("storage temporarily unavailable; retry later");
    }

    @Test
    void aPoolThatCannotHandOutAConnectionIsUnavailable() {
        // HikariCP: "nova-auth - Connection is not available, request timed out after 5000ms."
        SQLException hikari = new SQLTransientConnectionException("nova-auth - Connection is not available");

        assertThat(NovaException.from(new CompletionException(wrapped(hikari))).code())
                .isEqualTo(ErrorCode.UNAVAILABLE);
    }

    @Test
    void aStatementCancelledAtTheDeadlineIsDeadlineExceeded() {
        SQLException canceled = new SQLException("ERROR: canceling statement due to user request", "57014");

        assertThat(NovaException.from(wrapped(canceled)).code()).isEqualTo(ErrorCode.DEADLINE_EXCEEDED);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "40001", // serialization_failure
                "40P01" // deadlock_detected
            })
    void aTransactionPostgresqlAbortedInFavourOfAnotherIsAborted(String sqlState) {
        NovaException error = NovaException.from(wrapped(new SQLException("ERROR: deadlock detected", sqlState)));

        assertThat(error.code()).isEqualTo(ErrorCode.ABORTED);
        assertThat(error).hasMessage("the change collided with a concurrent one and was not made; retry");
    }

    @ParameterizedTest
    @ValueSource(strings = {"23505", "42P01", "22001", "XX000"})
    void otherDatabaseErrorsStayInternal(String sqlState) {
        NovaException error = NovaException.from(wrapped(new SQLException("duplicate key", sqlState)));

        assertThat(error.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(StorageFailures.classify(wrapped(new SQLException("x", sqlState))))
                .isEmpty();
        assertThat(StorageFailures.classify(new SQLException("no state"))).isEmpty();
    }
}
