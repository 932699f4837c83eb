package social.nova.errors;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Optional;
import java.util.Set;

/**
 * What a database failure means to the caller. A handler that hits a broken or refused
 * connection (a PostgreSQL restart, a pool that cannot connect) fails through no fault of the
 * request: the caller is told UNAVAILABLE, which it may retry, instead of INTERNAL. A statement
 * cancelled because the call ran out of time is DEADLINE_EXCEEDED. Everything else stays a bug.
 *
 * <p>Only {@code java.sql} types are looked at (Jdbi, HikariCP and pgjdbc wrap or extend them),
 * by SQLState:
 * <ul>
 *   <li>class {@code 08} (connection exception), {@code 57P01} admin_shutdown, {@code 57P02}
 *       crash_shutdown, {@code 57P03} cannot_connect_now, {@code 53300} too_many_connections,
 *       and HikariCP's {@link SQLTransientConnectionException} (no connection within
 *       {@code connection-timeout}) → UNAVAILABLE;</li>
 *   <li>{@code 57014} query_canceled (a statement timeout or a cancel) → DEADLINE_EXCEEDED;</li>
 *   <li>{@code 40001} serialization_failure and {@code 40P01} deadlock_detected (PostgreSQL rolled
 *       the transaction back in favour of a concurrent one; the request may simply be sent again)
 *       → ABORTED.</li>
 * </ul>
 */
public final class StorageFailures {
    /** The message callers get; it names no server, address or library. */
    static final String UNAVAILABLE_MESSAGE = "storage temporarily unavailable; retry later";

    static final String DEADLINE_MESSAGE = "deadline exceeded while waiting for storage";
    static final String ABORTED_MESSAGE = "the change collided with a concurrent one and was not made; retry";
    /** SQLState of a statement cancelled by a timeout or a cancel request. */
    public static final String QUERY_CANCELED = "57014";

    private static final Set<String> UNAVAILABLE_STATES = Set.of("57P01", "57P02", "57P03", "53300");
    private static final Set<String> ABORTED_STATES = Set.of("40001", "40P01");

    private StorageFailures() {}

    /**
     * The caller-facing error for a database failure anywhere in {@code failure}'s causal chain,
     * or empty when it is not one of the failures listed in the class comment. The failure
     * becomes the cause (it stays in the server).
     */
    public static Optional<NovaException> classify(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                ErrorCode code = codeOf(sql);
                if (code != null) {
                    String message = switch (code) {
                        case UNAVAILABLE -> UNAVAILABLE_MESSAGE;
                        case ABORTED -> ABORTED_MESSAGE;
                        default -> DEADLINE_MESSAGE;
                    };
                    return Optional.of(
                            NovaException.builder(code, message).cause(failure).build());
                }
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return Optional.empty();
    }

    /** UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED or null (none of the failures in the class comment). */
    static ErrorCode codeOf(SQLException sql) {
        if (sql instanceof SQLTransientConnectionException || sql instanceof SQLNonTransientConnectionException) {
            return ErrorCode.UNAVAILABLE;
        }
        String state = sql.getSQLState();
        if (state == null) {
            return null;
        }
        if (state.startsWith("08") || UNAVAILABLE_STATES.contains(state)) {
            return ErrorCode.UNAVAILABLE;
        }
        if (ABORTED_STATES.contains(state)) {
            return ErrorCode.ABORTED;
        }
        return QUERY_CANCELED.equals(state) ? ErrorCode.DEADLINE_EXCEEDED : null;
    }
}
