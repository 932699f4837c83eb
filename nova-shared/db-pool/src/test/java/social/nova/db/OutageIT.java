package social.nova.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.testcontainers.postgresql.PostgreSQLContainer;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.redis.RedisClients;
import social.nova.redis.RedisSettings;
import social.nova.redis.StreamPublisher;
import social.nova.redis.StreamPublisherSettings;
import social.nova.testing.RestartableContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** Redis and PostgreSQL going away and coming back, each on a container of the test's own. */
class OutageIT {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    @SuppressWarnings("try") // the relay only needs to run, and to be closed
    void eventsAppendedWhileRedisIsDownArePublishedInOrderWhenItReturns() throws SQLException {
        try (Database ledger = TestDatabases.provisioned("ledger");
                RestartableContainer ownRedis = RestartableContainer.start(SharedContainers.newRedis(), 6379);
                RedisClient redis = RedisClients.create(RedisSettings.of(
                                ownRedis.container().getHost(),
                                ownRedis.container().getMappedPort(6379))
                        .withTimeouts(Duration.ofMillis(500), Duration.ofMillis(500)))) {
            Migrations.migrate(ledger.dataSource(), "ledger", "classpath:db/test-orders");
            OutboxRelaySettings settings = OutboxRelaySettings.defaults()
                    .withTiming(Duration.ofMillis(50), 100, Duration.ofMillis(100), Duration.ofMillis(500));
            try (OutboxRelay relay = OutboxRelay.start(
                    ledger,
                    new StreamPublisher(redis, StreamPublisherSettings.defaults(), registry),
                    settings,
                    registry)) {
                ownRedis.stop();
                IntStream.rangeClosed(1, 10)
                        .forEach(n -> ledger.jdbi()
                                .useTransaction(handle -> Outbox.append(
                                        handle, OutboxEvent.of("entry", "acct-1", "Posted", "{\"n\": " + n + "}"))));

                await().atMost(Duration.ofSeconds(10)).until(() -> failures() >= 2);
                assertThat(unpublished(ledger)).isEqualTo(10);

                ownRedis.restart();
                await().atMost(Duration.ofSeconds(30)).until(() -> unpublished(ledger) == 0);
            }
            List<StreamEntry> published = redis.xrange("nova.events.entry", (StreamEntryID) null, null);
            assertThat(published)
                    .extracting(e -> e.getFields().get("payload"))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, 10)
                            .mapToObj(n -> "{\"n\": " + n + "}")
                            .toList());
        }
    }

    @Test
    void readinessFailsFastWhilePostgresIsStoppedAndThePoolRecoversAfterARestart() {
        PostgreSQLContainer container = SharedContainers.newPostgres();
        try (RestartableContainer ownPostgres = RestartableContainer.start(container, 5432);
                Database database = Database.create(DatabaseSettings.of(
                                container.getJdbcUrl(),
                                SharedContainers.SUPERUSER,
                                SharedContainers.SUPERUSER_PASSWORD,
                                "public")
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)))) {
            assertThat(database.ping()).isTrue();

            ownPostgres.stop();
            long started = System.nanoTime();
            boolean whileStopped = database.ping();
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(whileStopped).isFalse();
            assertThat(took).isLessThan(Duration.ofMillis(1500));

            ownPostgres.restart();
            await().atMost(Duration.ofSeconds(30)).until(database::ping);
            int answer = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT 41 + 1")
                            .mapTo(Integer.class)
                            .one());
            assertThat(answer).isEqualTo(42);
        }
    }

    @Test
    void aWriteThatHitsAPostgresRestartAnswersUnavailableNotInternal() {
        PostgreSQLContainer container = SharedContainers.newPostgres();
        try (RestartableContainer ownPostgres = RestartableContainer.start(container, 5432);
                Database database = Database.create(DatabaseSettings.of(
                                container.getJdbcUrl(),
                                SharedContainers.SUPERUSER,
                                SharedContainers.SUPERUSER_PASSWORD,
                                "public")
                        .withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(500)))) {
            database.jdbi().useHandle(handle -> handle.execute("CREATE TABLE notes (id int PRIMARY KEY)"));

            // A transaction in progress when PostgreSQL restarts: its connection is broken.
            Throwable midTransaction = catchThrowable(() -> database.jdbi().useTransaction(handle -> {
                handle.execute("INSERT INTO notes VALUES (1)");
                ownPostgres.stop();
                ownPostgres.restart();
                handle.execute("INSERT INTO notes VALUES (2)");
            }));
            assertThat(sqlStateOf(midTransaction))
                    .as("SQLState of the failed write")
                    .matches("08...|57P0[123]");
            assertThat(NovaException.from(midTransaction).code()).isEqualTo(ErrorCode.UNAVAILABLE);

            // While it is down, the pool cannot hand out a connection (HikariCP's connection-timeout).
            ownPostgres.stop();
            Throwable whileDown = catchThrowable(
                    () -> database.jdbi().useHandle(handle -> handle.execute("INSERT INTO notes VALUES (3)")));
            assertThat(whileDown).isNotNull();
            assertThat(NovaException.from(whileDown).code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(NovaException.from(whileDown)).hasMessage("storage temporarily unavailable; retry later");

            ownPostgres.restart();
            await().atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .untilAsserted(
                            () -> database.jdbi().useHandle(handle -> handle.execute("INSERT INTO notes VALUES (4)")));
            List<Integer> kept = database.jdbi()
                    .withHandle(handle -> handle.createQuery("SELECT id FROM notes ORDER BY id")
                            .mapTo(Integer.class)
                            .list());
            assertThat(kept).as("the broken transaction rolled back").containsExactly(4);
        }
    }

    private static String sqlStateOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
        }
        throw new AssertionError("no SQLException in", failure);
    }

    private double failures() {
        return registry.find("nova.outbox.failures").counter().count();
    }

    private static int unpublished(Database database) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                        .mapTo(Integer.class)
                        .one());
    }
}
