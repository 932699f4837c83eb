package social.nova.db;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One database, one schema and role per service: a service cannot see another's schema. */
class SchemaIsolationIT {
    private static Database auth;
    private static Database users;

    @BeforeAll
    static void provisionTwoServices() throws SQLException {
        auth = TestDatabases.provisioned("auth");
        users = TestDatabases.provisioned("users");
        users.jdbi().useHandle(handle -> {
            handle.execute("CREATE TABLE profiles (id TEXT PRIMARY KEY, email TEXT NOT NULL)");
            handle.execute("INSERT INTO profiles VALUES ('u1', 'ada@example.org')");
        });
    }

    @AfterAll
    static void close() {
        auth.close();
        users.close();
    }

    @Test
    void aServiceCreatesAndReadsTablesInItsOwnSchemaWithoutNamingIt() {
        auth.jdbi().useHandle(handle -> {
            handle.execute("CREATE TABLE IF NOT EXISTS credentials (user_id TEXT PRIMARY KEY, hash TEXT NOT NULL)");
            handle.execute("INSERT INTO credentials VALUES ('u1', 'argon2...') ON CONFLICT DO NOTHING");
        });

        String hash = auth.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT hash FROM auth.credentials WHERE user_id = 'u1'")
                        .mapTo(String.class)
                        .one());
        String owner = auth.jdbi()
                .withHandle(handle -> handle.createQuery(
                                "SELECT tableowner FROM pg_tables WHERE schemaname = 'auth' AND tablename = 'credentials'")
                        .mapTo(String.class)
                        .one());

        assertThat(hash).isEqualTo("argon2...");
        assertThat(owner).isEqualTo("auth");
    }

    @Test
    void anotherServicesSchemaIsRefused() {
        assertThatThrownBy(() -> auth.jdbi()
                        .useHandle(handle -> handle.createQuery("SELECT email FROM users.profiles")
                                .mapTo(String.class)
                                .list()))
                .isInstanceOf(UnableToExecuteStatementException.class)
                .hasMessageContaining("permission denied for schema users");
        assertThatThrownBy(() -> users.jdbi().useHandle(handle -> handle.execute("CREATE TABLE auth.sneaky (x INT)")))
                .hasMessageContaining("permission denied for schema auth");
    }

    @Test
    void aServiceCannotCreateObjectsOutsideItsSchema() {
        assertThatThrownBy(() -> auth.jdbi().useHandle(handle -> handle.execute("CREATE TABLE public.leak (x INT)")))
                .hasMessageContaining("permission denied for schema public");
        assertThatThrownBy(() -> auth.jdbi().useHandle(handle -> handle.execute("CREATE SCHEMA extra")))
                .hasMessageContaining("permission denied for database");
    }

    @Test
    void theRolesOwnSearchPathIsItsSchemaEvenWithoutThePool() throws SQLException {
        try (Connection plain = DriverManager.getConnection(
                        TestDatabases.url(), "users", "users" + TestDatabases.PASSWORD_SUFFIX);
                Statement statement = plain.createStatement();
                ResultSet result = statement.executeQuery("SELECT count(*) FROM profiles")) {
            result.next();
            assertThat(result.getInt(1)).isEqualTo(1);
        }
    }

    @Test
    void provisioningAgainIsHarmlessAndRotatesThePassword() throws SQLException {
        SchemaProvisioner.provision(TestDatabases.admin(), "users", "users", "rotated-password");

        try (Connection connection = DriverManager.getConnection(TestDatabases.url(), "users", "rotated-password");
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT email FROM profiles")) {
            result.next();
            assertThat(result.getString(1)).isEqualTo("ada@example.org");
        } finally {
            SchemaProvisioner.provision(
                    TestDatabases.admin(), "users", "users", "users" + TestDatabases.PASSWORD_SUFFIX);
        }
        assertThatThrownBy(() -> DriverManager.getConnection(TestDatabases.url(), "users", "rotated-password")
                        .close())
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void theAdministratorCannotHandItsOwnRoleToAService() {
        assertThatThrownBy(() -> SchemaProvisioner.provision(
                        TestDatabases.admin(), "admin_schema", social.nova.testing.SharedContainers.SUPERUSER, "pw"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is the administrator");
    }

    @Test
    void extensionsAskedForAreCreatedInPublicWhereTheServiceCanCallThemButAddNothing() throws SQLException {
        SchemaProvisioner.provision(
                TestDatabases.admin(),
                "users",
                "users",
                "users" + TestDatabases.PASSWORD_SUFFIX,
                java.util.List.of("unaccent", "pg_trgm"));

        String plain = users.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT public.unaccent('Crème brûlée')")
                        .mapTo(String.class)
                        .one());
        double similarity = users.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT public.similarity('brulee', 'brule')")
                        .mapTo(Double.class)
                        .one());
        assertThat(plain).isEqualTo("Creme brulee");
        assertThat(similarity).isPositive();
        assertThatThrownBy(
                        () -> users.jdbi().useHandle(handle -> handle.execute("CREATE TABLE public.sneaky (id INT)")))
                .hasMessageContaining("permission denied for schema public");
        assertThatThrownBy(() -> SchemaProvisioner.provision(
                        TestDatabases.admin(), "users", "users", "pw", java.util.List.of("pg_trgm; DROP TABLE x")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
