package social.nova.db;

import java.sql.SQLException;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MigrationsIT {

    @Test
    void platformAndServiceScriptsLandInTheServicesSchemaWithSeparateHistories() throws SQLException {
        try (Database catalog = TestDatabases.provisioned("catalog")) {
            Migrations.Result first = Migrations.migrate(catalog.dataSource(), "catalog", "classpath:db/test-catalog");
            Migrations.Result again = Migrations.migrate(catalog.dataSource(), "catalog", "classpath:db/test-catalog");

            assertThat(first).isEqualTo(new Migrations.Result(3, 2, "2"));
            assertThat(again).isEqualTo(new Migrations.Result(0, 0, "2"));
            List<String> tables = catalog.jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'catalog' ORDER BY 1")
                            .mapTo(String.class)
                            .list());
            assertThat(tables)
                    .containsExactly(
                            "flyway_platform_history", "flyway_schema_history", "items", "mail_outbox", "outbox");
            // Both histories start at V1: the version numbers never collide.
            List<String> serviceVersions = catalog.jdbi()
                    .withHandle(handle -> handle.createQuery(
                                    "SELECT version FROM flyway_schema_history WHERE version <> '0' ORDER BY installed_rank")
                            .mapTo(String.class)
                            .list());
            assertThat(serviceVersions).containsExactly("1", "2");
            catalog.jdbi()
                    .useHandle(handle -> handle.execute("INSERT INTO items (name, price_cents) VALUES ('pen', 150)"));
        }
    }

    @Test
    void instancesStartingTogetherOnAFreshSchemaAllMigrate() throws Exception {
        int instances = 4;
        try (Database provisioned = TestDatabases.provisioned("twins")) {
            List<Database> pools = new java.util.ArrayList<>();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(instances);
            var start = new java.util.concurrent.CountDownLatch(1);
            try {
                List<java.util.concurrent.Future<Migrations.Result>> results = new java.util.ArrayList<>();
                for (int i = 0; i < instances; i++) {
                    Database instance = Database.create(provisioned.settings());
                    pools.add(instance);
                    results.add(pool.submit(() -> {
                        start.await();
                        return Migrations.migrate(instance.dataSource(), "twins", "classpath:db/test-catalog");
                    }));
                }
                start.countDown();
                List<Migrations.Result> outcomes = new java.util.ArrayList<>();
                for (var result : results) {
                    outcomes.add(result.get());
                }
                // One applies everything, the others find it done; none fails.
                assertThat(outcomes)
                        .containsOnlyOnce(new Migrations.Result(3, 2, "2"))
                        .filteredOn(r -> r.platformScriptsApplied() == 0)
                        .hasSize(instances - 1)
                        .allMatch(r -> r.equals(new Migrations.Result(0, 0, "2")));
            } finally {
                pool.shutdownNow();
                pools.forEach(Database::close);
            }
        }
    }

    @Test
    void migratingFromTheDatabasesConfiguredLocations() throws SQLException {
        try (Database provisioned = TestDatabases.provisioned("shop");
                Database shop =
                        Database.create(provisioned.settings().withMigrationLocations("classpath:db/test-orders"))) {
            assertThat(Migrations.migrate(shop).serviceVersion()).isEqualTo("1");
        }
    }

    @Test
    void aFailingScriptStopsStartUpNamingSchemaAndScript() throws SQLException {
        try (Database broken = TestDatabases.provisioned("broken")) {
            assertThatThrownBy(() -> Migrations.migrate(broken.dataSource(), "broken", "classpath:db/test-broken"))
                    .isInstanceOf(MigrationException.class)
                    .hasMessageContaining(
                            "Migrating schema 'broken' (service scripts from classpath:db/test-broken) failed")
                    .hasMessageContaining("V2__typo.sql")
                    .hasMessageContaining("syntax error");
        }
    }

    @Test
    void invalidSchemaNamesNeverReachFlyway() {
        assertThatThrownBy(() -> Migrations.migrate(TestDatabases.admin(), "public; DROP", "classpath:db/test-catalog"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
