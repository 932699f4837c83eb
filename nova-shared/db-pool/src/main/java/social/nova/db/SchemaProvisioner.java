package social.nova.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import org.postgresql.PGConnection;

/**
 * Gives a service its own schema and login role in the shared database, so that a service
 * connected as its role can use its schema and nothing else: a query on another service's schema
 * fails with {@code permission denied for schema <other>}.
 *
 * <p>Run by deployment or test harness code as an administrator (a superuser, or a role with
 * CREATEROLE that owns the database and its {@code public} schema), never by the service itself.
 * Idempotent: running it again converges on the same state and updates the password.
 *
 * <p>What it does, in one transaction serialized against concurrent runs:
 * <ul>
 *   <li>creates the role ({@code LOGIN}) if missing, or strips superuser, CREATEDB, CREATEROLE,
 *       replication and RLS bypass from an existing one that has any;</li>
 *   <li>sets its password as a SCRAM-SHA-256 verifier computed on the client, so the clear
 *       password never reaches the server or its statement log;</li>
 *   <li>creates the schema owned by the role (or hands an existing one to it) and revokes every
 *       privilege on it from PUBLIC, so no other role can enter it;</li>
 *   <li>revokes CREATE on the {@code public} schema from PUBLIC, so no role can create objects
 *       outside its own schema (USAGE stays: it only lets roles call functions installed there,
 *       such as those of extensions, and tables in it still need their own grants);</li>
 *   <li>sets the role's default search_path to its schema;</li>
 *   <li>creates the extensions the service asked for ({@code CREATE EXTENSION IF NOT EXISTS ... WITH
 *       SCHEMA public}), e.g. {@code unaccent} and {@code pg_trgm} for search-service: creating an
 *       extension needs rights a service role does not have, and in {@code public} every role can
 *       call its functions (qualified, e.g. {@code public.unaccent(...)}) while none can add to it.</li>
 * </ul>
 * Schema and role names must be plain lowercase identifiers; they are validated before being
 * spliced into DDL, which takes no bind parameters.
 */
public final class SchemaProvisioner {
    /** Serializes provisioning runs across processes (an arbitrary, fixed advisory lock key). */
    private static final String LOCK_NAME = "nova.schema-provisioner";

    private static final String PASSWORD_ENCRYPTION = "scram-sha-256";

    private SchemaProvisioner() {}

    /**
     * @param admin    a connection source with the rights listed in the class comment
     * @param schema   e.g. {@code auth}
     * @param role     e.g. {@code auth}; may equal the schema name
     * @param password the role's login password, not blank
     * @throws IllegalArgumentException for an invalid name or password, or a role that is the admin itself
     * @throws SQLException             when the database refuses a step (nothing is changed then)
     */
    public static void provision(DataSource admin, String schema, String role, String password) throws SQLException {
        provision(admin, schema, role, password, List.of());
    }

    /**
     * As {@link #provision(DataSource, String, String, String)}, and creates {@code extensions}
     * in schema {@code public} if missing (names validated like schema names).
     */
    @SuppressFBWarnings(
            value = "SQL_NONCONSTANT_STRING_PASSED_TO_EXECUTE",
            justification = "DDL takes identifiers, which cannot be bound: each is validated and quoted by Identifiers")
    public static void provision(DataSource admin, String schema, String role, String password, List<String> extensions)
            throws SQLException {
        Objects.requireNonNull(admin, "admin");
        List<String> quotedExtensions =
                extensions.stream().map(Identifiers::quotedExtension).toList();
        String quotedSchema = Identifiers.quoted("schema", schema);
        String quotedRole = Identifiers.quoted("role", role);
        if (password == null || password.isBlank()) {
            throw new IllegalArgumentException("the password of role '" + role + "' must not be blank");
        }

        try (Connection connection = admin.getConnection()) {
            boolean autoCommit = connection.getAutoCommit();
            connection.setAutoCommit(false);
            try {
                lock(connection);
                refuseAdminRole(connection, role);
                try (Statement ddl = connection.createStatement()) {
                    RoleState state = roleState(connection, role);
                    if (state == RoleState.MISSING) {
                        ddl.execute("CREATE ROLE " + quotedRole + " LOGIN");
                    } else if (state == RoleState.TOO_PRIVILEGED) {
                        // Only touched when needed: changing SUPERUSER needs a superuser even to unset it.
                        ddl.execute("ALTER ROLE " + quotedRole
                                + " LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS");
                    }
                    connection
                            .unwrap(PGConnection.class)
                            .alterUserPassword(role, password.toCharArray(), PASSWORD_ENCRYPTION);
                    ddl.execute("CREATE SCHEMA IF NOT EXISTS " + quotedSchema + " AUTHORIZATION " + quotedRole);
                    ddl.execute("ALTER SCHEMA " + quotedSchema + " OWNER TO " + quotedRole);
                    ddl.execute("REVOKE ALL ON SCHEMA " + quotedSchema + " FROM PUBLIC");
                    if (schemaExists(connection, "public")) {
                        ddl.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
                    }
                    ddl.execute("ALTER ROLE " + quotedRole + " SET search_path TO " + quotedSchema);
                    for (String extension : quotedExtensions) {
                        ddl.execute("CREATE EXTENSION IF NOT EXISTS " + extension + " WITH SCHEMA public");
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(autoCommit);
            }
        }
    }

    private static void lock(Connection connection) throws SQLException {
        try (PreparedStatement lock = connection.prepareStatement("SELECT pg_advisory_xact_lock(hashtext(?))")) {
            lock.setString(1, LOCK_NAME);
            lock.execute();
        }
    }

    private static void refuseAdminRole(Connection connection, String role) throws SQLException {
        try (Statement query = connection.createStatement();
                ResultSet result = query.executeQuery("SELECT current_user")) {
            result.next();
            if (role.equals(result.getString(1))) {
                throw new IllegalArgumentException("role '" + role + "' is the administrator running the"
                        + " provisioning; a service needs a role of its own");
            }
        }
    }

    private enum RoleState {
        MISSING,
        LEAST_PRIVILEGED,
        TOO_PRIVILEGED
    }

    private static RoleState roleState(Connection connection, String role) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("""
                SELECT rolcanlogin AND NOT (rolsuper OR rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls)
                FROM pg_roles WHERE rolname = ?""")) {
            query.setString(1, role);
            try (ResultSet result = query.executeQuery()) {
                if (!result.next()) {
                    return RoleState.MISSING;
                }
                return result.getBoolean(1) ? RoleState.LEAST_PRIVILEGED : RoleState.TOO_PRIVILEGED;
            }
        }
    }

    private static boolean schemaExists(Connection connection, String schema) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
            query.setString(1, schema);
            try (ResultSet result = query.executeQuery()) {
                return result.next();
            }
        }
    }
}
