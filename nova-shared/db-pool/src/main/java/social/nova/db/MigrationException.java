package social.nova.db;

/**
 * A migration failed, or the schema's history does not match the scripts: the service must not
 * start on a schema it does not understand. The message names the schema, the script set and
 * Flyway's reason (script, line, SQL state); the cause is Flyway's exception.
 */
public final class MigrationException extends RuntimeException {
    public MigrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
