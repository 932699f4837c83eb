package social.nova.db;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Flyway migrations of one service's schema, in two independent sets:
 *
 * <ol>
 *   <li>the platform's tables (the {@code outbox}), shipped in this jar under
 *       {@value #PLATFORM_LOCATION} and recorded in {@value #PLATFORM_HISTORY_TABLE};</li>
 *   <li>the service's own scripts ({@value #DEFAULT_LOCATION} unless configured), recorded in
 *       Flyway's usual {@code flyway_schema_history}.</li>
 * </ol>
 *
 * Two history tables keep the version numbers apart: a service's {@code V1__...} never collides
 * with the platform's. As each set finds the other's tables in the schema, each baselines at
 * version 0 on first run (so every script from V1 on still runs). Any failure stops start-up with
 * a {@link MigrationException} naming the schema, the set and Flyway's reason.
 */
public final class Migrations {
    public static final String DEFAULT_LOCATION = "classpath:db/migration";
    public static final String PLATFORM_LOCATION = "classpath:db/nova-platform";
    public static final String PLATFORM_HISTORY_TABLE = "flyway_platform_history";
    public static final String SERVICE_HISTORY_TABLE = "flyway_schema_history";

    private Migrations() {}

    /** What was applied. */
    public record Result(int platformScriptsApplied, int serviceScriptsApplied, String serviceVersion) {}

    /** Migrates the database's schema from its configured {@code migration.locations}. */
    public static Result migrate(Database database) {
        DatabaseSettings settings = database.settings();
        return migrate(database.dataSource(), settings.schema(), settings.migrationLocations());
    }

    /**
     * Migrates {@code schema}: platform tables first, then the service's scripts from
     * {@code locations} (Flyway location syntax, e.g. {@code classpath:db/migration}).
     *
     * @throws MigrationException       when a script fails or the history does not match the scripts
     * @throws IllegalArgumentException when {@code schema} is not a plain lowercase identifier
     */
    public static Result migrate(DataSource dataSource, String schema, List<String> locations) {
        Objects.requireNonNull(dataSource, "dataSource");
        Identifiers.require("schema", schema);
        if (locations == null || locations.isEmpty()) {
            throw new IllegalArgumentException("at least one migration location is required");
        }
        MigrateResult platform;
        MigrateResult service;
        // Instances of one service starting together on a fresh schema would race to create the
        // history tables (one fails to baseline an empty one); a session lock per schema makes them
        // take turns. It is held on a connection of its own while Flyway uses others.
        try (Connection lock = dataSource.getConnection()) {
            advisoryLock(lock, "pg_advisory_lock", schema);
            try {
                platform = run("platform", schema, PLATFORM_HISTORY_TABLE, List.of(PLATFORM_LOCATION), dataSource);
                service = run("service", schema, SERVICE_HISTORY_TABLE, locations, dataSource);
            } finally {
                advisoryLock(lock, "pg_advisory_unlock", schema);
            }
        } catch (SQLException e) {
            throw new MigrationException(
                    "Migrating schema '" + schema + "' failed: cannot take the migration lock: " + e.getMessage(), e);
        }
        // Flyway reports no target version when nothing was applied: the version is then the initial one.
        return new Result(
                platform.migrationsExecuted,
                service.migrationsExecuted,
                Objects.requireNonNullElse(service.targetSchemaVersion, service.initialSchemaVersion));
    }

    /** As {@link #migrate(DataSource, String, List)}, with the service scripts from {@code locations}. */
    public static Result migrate(DataSource dataSource, String schema, String... locations) {
        return migrate(dataSource, schema, List.of(locations));
    }

    private static void advisoryLock(Connection connection, String function, String schema) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT " + function + "(hashtext(?))")) {
            statement.setString(1, "nova.migrations." + schema);
            statement.execute();
        }
    }

    private static MigrateResult run(
            String set, String schema, String historyTable, List<String> locations, DataSource dataSource) {
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .schemas(schema)
                .defaultSchema(schema)
                .table(historyTable)
                .locations(locations.toArray(String[]::new))
                .baselineOnMigrate(true)
                .baselineVersion("0")
                .baselineDescription("Start: the other migration set was applied first")
                .validateMigrationNaming(true)
                .cleanDisabled(true)
                .load();
        try {
            return flyway.migrate();
        } catch (FlywayException e) {
            throw new MigrationException(
                    "Migrating schema '" + schema + "' (" + set + " scripts from " + String.join(", ", locations)
                            + ") failed: " + e.getMessage(),
                    e);
        }
    }
}
