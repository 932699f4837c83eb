package social.nova.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import social.nova.redis.RedisClients;
import social.nova.redis.RedisSettings;
import social.nova.redis.StreamPublisher;
import social.nova.redis.StreamPublisherSettings;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class OutboxIT {
    private static Database orders;
    private static RedisClient redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<OutboxRelay> relays = new ArrayList<>();
    private String prefix;

    @BeforeAll
    static void setUp() throws SQLException {
        orders = TestDatabases.provisioned("orders");
        Migrations.migrate(orders.dataSource(), "orders", "classpath:db/test-orders");
        redis = RedisClients.create(RedisSettings.of(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort()));
    }

    @AfterAll
    static void tearDown() {
        redis.close();
        orders.close();
    }

    @BeforeEach
    void freshStreamsAndOutbox() {
        prefix = "test-" + UUID.randomUUID() + ".";
        orders.jdbi().useHandle(handle -> handle.execute("DELETE FROM outbox"));
    }

    @AfterEach
    void stopRelays() {
        relays.forEach(OutboxRelay::close);
    }

    @Test
    void aRolledBackTransactionPublishesNothingAndACommittedOnePublishesItsEvent() {
        OutboxEvent rolledBack = OutboxEvent.of("order", "o-1", "OrderPlaced", "{\"total\":10}");
        OutboxEvent committed = OutboxEvent.of("order", "o-2", "OrderPlaced", "{\"total\": 20, \"items\": [1, 2]}")
                .withHeader("request-id", "req-7");
        startRelay();

        assertThatThrownBy(() -> orders.jdbi().useTransaction(handle -> {
                    handle.execute("INSERT INTO orders (id) VALUES ('o-1')");
                    Outbox.append(handle, rolledBack);
                    throw new IllegalStateException("payment declined");
                }))
                .hasMessage("payment declined");
        orders.jdbi().useTransaction(handle -> {
            handle.execute("INSERT INTO orders (id) VALUES ('o-2')");
            Outbox.append(handle, committed);
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> entries("order").size() == 1);
        StreamEntry entry = entries("order").get(0);
        assertThat(entry.getFields())
                .containsEntry("event-id", committed.eventId().toString())
                .containsEntry("event-type", "OrderPlaced")
                .containsEntry("aggregate-type", "order")
                .containsEntry("aggregate-id", "o-2")
                .containsEntry("payload", "{\"total\": 20, \"items\": [1, 2]}")
                .containsEntry("header.request-id", "req-7")
                .containsEntry("source-schema", "orders")
                .containsKey("created-at");
        int rolledBackRows = orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM outbox WHERE event_id = :id")
                        .bind("id", rolledBack.eventId())
                        .mapTo(Integer.class)
                        .one());
        int rolledBackOrders = orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM orders WHERE id = 'o-1'")
                        .mapTo(Integer.class)
                        .one());
        assertThat(rolledBackRows).isZero();
        assertThat(rolledBackOrders).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> unpublished() == 0);
    }

    @Test
    void appendWithCommitsTheChangeAndItsEventInOneStatementAndNeitherWhenTheChangeFailsOrTouchesNothing() {
        String id = "o-" + UUID.randomUUID();
        OutboxEvent placed =
                OutboxEvent.of("order", id, "OrderPlaced", "{\"total\":30}").withHeader("request-id", "req-9");
        startRelay();

        // Outside a transaction: the one statement commits both.
        boolean inserted = orders.jdbi()
                .withHandle(handle -> Outbox.appendWith(
                        handle, "INSERT INTO orders (id) VALUES (:id)", update -> update.bind("id", id), placed));
        assertThat(inserted).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> entries("order").size() == 1);
        assertThat(entries("order").get(0).getFields())
                .containsEntry("event-id", placed.eventId().toString())
                .containsEntry("aggregate-id", id)
                .containsEntry("payload", "{\"total\":30}")
                .containsEntry("header.request-id", "req-9");

        // The same id again: the change fails (primary key), and no event is left behind.
        OutboxEvent duplicate = OutboxEvent.of("order", id, "OrderPlaced", "{}");
        assertThatThrownBy(() -> orders.jdbi()
                        .withHandle(handle -> Outbox.appendWith(
                                handle,
                                "INSERT INTO orders (id) VALUES (:id)",
                                update -> update.bind("id", id),
                                duplicate)))
                .hasMessageContaining("duplicate key");
        // A change that touches no row appends no event.
        OutboxEvent nothing = OutboxEvent.of("order", "missing", "OrderChanged", "{}");
        boolean changed = orders.jdbi()
                .withHandle(handle -> Outbox.appendWith(
                        handle,
                        "UPDATE orders SET version = version + 1 WHERE id = :id",
                        update -> update.bind("id", "missing"),
                        nothing));
        assertThat(changed).isFalse();
        assertThat(outboxRows(duplicate.eventId()) + outboxRows(nothing.eventId()))
                .isZero();

        // Inside a transaction it joins it: a rollback takes the change and the event back.
        String rolledBack = "o-" + UUID.randomUUID();
        OutboxEvent undone = OutboxEvent.of("order", rolledBack, "OrderPlaced", "{}");
        assertThatThrownBy(() -> orders.jdbi().useTransaction(handle -> {
                    Outbox.appendWith(
                            handle,
                            "INSERT INTO orders (id) VALUES (:id)",
                            update -> update.bind("id", rolledBack),
                            undone);
                    throw new IllegalStateException("payment declined");
                }))
                .hasMessage("payment declined");
        assertThat(outboxRows(undone.eventId())).isZero();
        await().atMost(Duration.ofSeconds(5)).until(() -> unpublished() == 0);
        assertThat(entries("order")).hasSize(1);
    }

    @Test
    void appendAfterRunsEveryChangeAndAppendsTheEventInOneStatementOrNoneOfThem() {
        String parent = "o-" + UUID.randomUUID();
        String child = "o-" + UUID.randomUUID();
        orders.jdbi().useHandle(handle -> handle.execute("INSERT INTO orders (id) VALUES (?)", parent));
        String changes = "added AS (INSERT INTO orders (id) VALUES (:child)), "
                + "touched AS (UPDATE orders SET version = version + 1 WHERE id = :parent)";
        OutboxEvent split = OutboxEvent.of("order", parent, "OrderSplit", "{\"child\":\"" + child + "\"}");

        orders.jdbi()
                .useHandle(handle -> Outbox.appendAfter(
                        handle, changes, update -> update.bind("child", child).bind("parent", parent), split));

        assertThat(version(parent)).isEqualTo(1);
        assertThat(version(child)).isZero();
        assertThat(outboxRows(split.eventId())).isOne();

        // The same child again: its insert fails (primary key), and neither the parent's update nor
        // the event is left behind.
        OutboxEvent again = OutboxEvent.of("order", parent, "OrderSplit", "{}");
        assertThatThrownBy(() -> orders.jdbi()
                        .useHandle(handle -> Outbox.appendAfter(
                                handle,
                                changes,
                                update -> update.bind("child", child).bind("parent", parent),
                                again)))
                .hasMessageContaining("duplicate key");
        assertThat(version(parent)).isEqualTo(1);
        assertThat(outboxRows(again.eventId())).isZero();
    }

    private static long version(String id) {
        return orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT version FROM orders WHERE id = :id")
                        .bind("id", id)
                        .mapTo(Long.class)
                        .one());
    }

    private static int outboxRows(UUID eventId) {
        return orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM outbox WHERE event_id = :id")
                        .bind("id", eventId)
                        .mapTo(Integer.class)
                        .one());
    }

    @Test
    void eventsOfEachAggregateArePublishedInOrderExactlyOnceUnderConcurrentWriters() throws Exception {
        startRelay();
        startRelay(); // a second instance of the service: it must not publish anything twice
        List<String> aggregates = List.of("a", "b", "c");
        orders.jdbi()
                .useHandle(handle -> aggregates.forEach(id -> handle.execute(
                        "INSERT INTO orders (id) VALUES (?) ON CONFLICT (id) DO UPDATE SET version = 0", id)));
        int writers = 4;
        int changesPerWriter = 30;

        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    for (int i = 0; i < changesPerWriter; i++) {
                        String id = aggregates.get(ThreadLocalRandom.current().nextInt(aggregates.size()));
                        orders.jdbi().useTransaction(handle -> changeOrder(handle, id));
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get(30, TimeUnit.SECONDS);
            }
        }

        int total = writers * changesPerWriter;
        await().atMost(Duration.ofSeconds(20)).until(() -> entries("order").size() >= total && unpublished() == 0);
        List<StreamEntry> published = entries("order");
        assertThat(published).hasSize(total);
        Map<String, List<Long>> versionsByOrder = new HashMap<>();
        for (StreamEntry entry : published) {
            versionsByOrder
                    .computeIfAbsent(entry.getFields().get("aggregate-id"), id -> new ArrayList<>())
                    .add(Long.parseLong(entry.getFields().get("payload").replaceAll("\\D", "")));
        }
        versionsByOrder
                .values()
                .forEach(versions -> assertThat(versions)
                        .isSorted()
                        .doesNotHaveDuplicates()
                        .first()
                        .isEqualTo(1L));
        assertThat(published.stream().map(e -> e.getFields().get("event-id")).distinct())
                .hasSize(total);
    }

    @Test
    void aCommittedEventLeavesAtOnceNotAtTheNextPoll() {
        // A poll a minute: only the outbox trigger's notification can get these out within seconds.
        startRelay(Duration.ofMinutes(1));
        awaitListening();

        orders.jdbi()
                .useHandle(handle -> Outbox.appendWith(
                        handle,
                        "INSERT INTO orders (id) VALUES (:id)",
                        update -> update.bind("id", "o-now"),
                        OutboxEvent.of("order", "o-now", "OrderPlaced", "{}")));
        await().atMost(Duration.ofSeconds(5)).until(() -> entries("order").size() == 1);

        orders.jdbi().useTransaction(handle -> changeOrder(handle, "o-now"));
        await().atMost(Duration.ofSeconds(5)).until(() -> entries("order").size() == 2);
        assertThat(entries("order"))
                .extracting(entry -> entry.getFields().get("event-type"))
                .containsExactly("OrderPlaced", "OrderChanged");
    }

    @Test
    void withItsListeningConnectionGoneTheRelayStillPublishesByPolling() {
        startRelay(Duration.ofMillis(500));
        awaitListening();
        int terminated = orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM pg_stat_activity a "
                                + "WHERE a.application_name LIKE '%-outbox-listener' "
                                + "AND pg_terminate_backend(a.pid)")
                        .mapTo(Integer.class)
                        .one());
        assertThat(terminated).isEqualTo(1);

        orders.jdbi().useTransaction(handle -> {
            handle.execute("INSERT INTO orders (id) VALUES ('o-polled')");
            Outbox.append(handle, OutboxEvent.of("order", "o-polled", "OrderPlaced", "{}"));
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> entries("order").size() == 1);
        await().atMost(Duration.ofSeconds(5)).until(() -> unpublished() == 0);
    }

    /** Until the relay's own connection has run its LISTEN (an event committed before it waits a poll). */
    private static void awaitListening() {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> orders.jdbi()
                                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM pg_stat_activity "
                                                + "WHERE application_name LIKE '%-outbox-listener' "
                                                + "AND query LIKE 'LISTEN %'")
                                        .mapTo(Integer.class)
                                        .one())
                        == 1);
    }

    @Test
    void appendNeedsTheCallersTransactionAndRefusesAPayloadThatIsNotJson() {
        OutboxEvent event = OutboxEvent.of("order", "o-3", "OrderPlaced", "{}");
        assertThatThrownBy(() -> orders.jdbi().useHandle(handle -> Outbox.append(handle, event)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the caller's transaction");

        assertThatThrownBy(() -> orders.jdbi().useTransaction(handle -> {
                    handle.execute("INSERT INTO orders (id) VALUES ('o-3')");
                    Outbox.append(handle, OutboxEvent.of("order", "o-3", "OrderPlaced", "not json"));
                }))
                .hasMessageContaining("invalid input syntax for type json");
        assertThat(unpublished()).isZero();
    }

    private void changeOrder(Handle handle, String id) {
        long version = handle.createQuery("UPDATE orders SET version = version + 1 WHERE id = :id RETURNING version")
                .bind("id", id)
                .mapTo(Long.class)
                .one();
        Outbox.append(handle, OutboxEvent.of("order", id, "OrderChanged", "{\"version\": " + version + "}"));
    }

    private void startRelay() {
        startRelay(Duration.ofMillis(50));
    }

    private void startRelay(Duration pollInterval) {
        relays.add(OutboxRelay.start(
                orders,
                new StreamPublisher(redis, StreamPublisherSettings.defaults(), registry),
                OutboxRelaySettings.defaults()
                        .withStreamPrefix(prefix)
                        .withTiming(pollInterval, 20, Duration.ofMillis(100), Duration.ofSeconds(1)),
                registry));
    }

    private List<StreamEntry> entries(String aggregateType) {
        return redis.xrange(prefix + aggregateType, (StreamEntryID) null, null);
    }

    private static int unpublished() {
        return orders.jdbi()
                .withHandle(handle -> handle.createQuery("SELECT count(*) FROM outbox WHERE published_at IS NULL")
                        .mapTo(Integer.class)
                        .one());
    }
}
