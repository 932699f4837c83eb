package social.nova.db;

import java.util.regex.Pattern;

/**
 * SQL identifiers (schema and role names) that are spliced into DDL, where bind parameters are
 * not allowed. Only plain lowercase names pass, so quoting cannot be escaped and the name in SQL
 * is the name the caller wrote.
 */
final class Identifiers {
    /** PostgreSQL truncates identifiers longer than NAMEDATALEN - 1 = 63 bytes. */
    private static final Pattern PLAIN = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

    private Identifiers() {}

    /**
     * @return {@code value}, if it is a plain lowercase identifier that is not reserved for PostgreSQL
     * @throws IllegalArgumentException naming {@code kind} and the rule otherwise
     */
    static String require(String kind, String value) {
        if (value == null || !PLAIN.matcher(value).matches()) {
            throw new IllegalArgumentException(kind + " must match [a-z_][a-z0-9_]* (at most 63 characters), was "
                    + (value == null ? "null" : "'" + value + "'"));
        }
        if (value.startsWith("pg_")) {
            throw new IllegalArgumentException(
                    kind + " must not start with pg_ (reserved by PostgreSQL), was '" + value + "'");
        }
        return value;
    }

    /**
     * The name of an extension to create, in double quotes: plain lowercase like the others, but
     * {@code pg_} is allowed (the reservation is for schemas and roles; {@code pg_trgm} is an
     * extension's real name).
     */
    static String quotedExtension(String value) {
        require("extension", value != null && value.startsWith("pg_") ? value.substring(3) : value);
        return '"' + value + '"';
    }

    /** The validated identifier in double quotes, as DDL takes it. */
    static String quoted(String kind, String value) {
        return '"' + require(kind, value) + '"';
    }
}
