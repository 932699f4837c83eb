package social.nova.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamEntry;
import social.nova.testing.RestartableContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class StreamIT {
    private static final Duration BLOCK = Duration.ofMillis(500);
    private static final Duration SHUTDOWN = Duration.ofSeconds(2);

    private static RedisClient redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String stream = "nova.events.test-" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(RedisSettings.create(
                RedisSettingsTest.config(Map.of("uri", SharedContainers.redis().getRedisUri()))));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void publishedEntriesAreHandledAcknowledgedAndTheConsumerStopsPromptly() {
        StreamPublisher publisher = new StreamPublisher(redis, StreamPublisherSettings.defaults(), registry);
        String firstId = publisher.publish(stream, Map.of("event-type", "UserCreated", "user-id", "1"));
        List<StreamMessage> received = new CopyOnWriteArrayList<>();

        StreamConsumer consumer = StreamConsumer.start(redis, settings("feed"), received::add, registry);
        publisher.publish(stream, Map.of("event-type", "UserRenamed", "user-id", "1"));
        publisher.publish(stream, Map.of("event-type", "UserDeleted", "user-id", "1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(received)
                .extracting(m -> m.fields().get("event-type"))
                .containsExactly("UserCreated", "UserRenamed", "UserDeleted");
        assertThat(received.get(0).id()).isEqualTo(firstId);
        assertThat(received).allMatch(m -> m.deliveryCount() == 1 && m.stream().equals(stream));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> redis.xpending(stream, "feed").getTotal() == 0);
        assertThat(counter("processed")).isEqualTo(3.0);

        long started = System.nanoTime();
        consumer.close();
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(SHUTDOWN);
        assertThat(redis.xinfoConsumers2(stream, "feed")).isEmpty();
    }

    @Test
    void publisherTrimsApproximatelyWhenAMaxLengthIsSet() {
        StreamPublisher publisher = new StreamPublisher(redis, new StreamPublisherSettings(10), registry);
        for (int i = 0; i < 500; i++) {
            publisher.publish(stream, Map.of("n", Integer.toString(i)));
        }
        // MAXLEN ~ trims whole macro nodes (100 entries by default), so a few more may remain.
        assertThat(redis.xlen(stream)).isBetween(10L, 200L);
        assertThat(registry.find("nova.redis.stream.published").counter().count())
                .isEqualTo(500.0);
    }

    @Test
    @SuppressWarnings("try") // the consumers only need to run, and to be closed
    void aFailingEntryIsRetriedAndAfterMaxDeliveriesDeadLettered() {
        StreamPublisher publisher = new StreamPublisher(redis, StreamPublisherSettings.defaults(), registry);
        String poisonId = publisher.publish(stream, Map.of("kind", "poison", "payload", "{}"));
        publisher.publish(stream, Map.of("kind", "flaky"));
        publisher.publish(stream, Map.of("kind", "fine"));
        List<Long> poisonDeliveries = new CopyOnWriteArrayList<>();
        AtomicInteger flakyAttempts = new AtomicInteger();
        Set<String> done = ConcurrentHashMap.newKeySet();

        StreamHandler handler = message -> {
            switch (message.fields().get("kind")) {
                case "poison" -> {
                    poisonDeliveries.add(message.deliveryCount());
                    throw new IllegalStateException("cannot parse payload");
                }
                case "flaky" -> {
                    if (flakyAttempts.incrementAndGet() == 1) {
                        throw new IllegalStateException("database busy");
                    }
                    done.add("flaky");
                }
                default -> done.add(message.fields().get("kind"));
            }
        };
        StreamConsumerSettings settings =
                settings("billing").withRetries(Duration.ofMillis(200), Duration.ofMillis(100), 3);
        try (StreamConsumer ignored = StreamConsumer.start(redis, settings, handler, registry)) {
            await().atMost(Duration.ofSeconds(15)).until(() -> redis.xlen(stream + ".dlq") == 1 && done.size() == 2);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> redis.xpending(stream, "billing").getTotal() == 0);
        }

        assertThat(poisonDeliveries).containsExactly(1L, 2L, 3L);
        assertThat(flakyAttempts).hasValue(2);
        StreamEntry dead =
                redis.xrange(stream + ".dlq", (StreamEntryID) null, null).get(0);
        assertThat(dead.getFields())
                .containsEntry("kind", "poison")
                .containsEntry("payload", "{}")
                .containsEntry("dlq-original-id", poisonId)
                .containsEntry("dlq-stream", stream)
                .containsEntry("dlq-group", "billing")
                .containsEntry("dlq-deliveries", "3")
                .containsEntry("dlq-error", "IllegalStateException: cannot parse payload");
        assertThat(counter("deadlettered")).isEqualTo(1.0);
        assertThat(counter("failed")).isEqualTo(4.0);
        assertThat(counter("processed")).isEqualTo(2.0);
    }

    @Test
    @SuppressWarnings("try") // the consumers only need to run, and to be closed
    void twoConsumersInOneGroupShareTheWorkWithoutDoubleProcessing() {
        StreamPublisher publisher = new StreamPublisher(redis, StreamPublisherSettings.defaults(), registry);
        Map<String, String> handledBy = new ConcurrentHashMap<>();
        AtomicInteger invocations = new AtomicInteger();
        StreamHandler first = recordingHandler("first", handledBy, invocations);
        StreamHandler second = recordingHandler("second", handledBy, invocations);

        try (StreamConsumer a = StreamConsumer.start(redis, settings("search").withConsumer("a"), first, registry);
                StreamConsumer b =
                        StreamConsumer.start(redis, settings("search").withConsumer("b"), second, registry)) {
            for (int i = 0; i < 200; i++) {
                publisher.publish(stream, Map.of("n", Integer.toString(i)));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> handledBy.size() == 200);
        }

        assertThat(invocations).hasValue(200);
        assertThat(handledBy.values()).contains("first", "second");
        assertThat(redis.xpending(stream, "search").getTotal()).isZero();
    }

    @Test
    @SuppressWarnings("try") // the consumers only need to run, and to be closed
    void theConsumerCarriesOnAfterRedisRestarts() {
        try (RestartableContainer own = RestartableContainer.start(SharedContainers.newRedis(), 6379);
                RedisClient client = RedisClients.create(RedisSettings.of(
                        own.container().getHost(), own.container().getMappedPort(6379)))) {
            StreamPublisher publisher = new StreamPublisher(client, StreamPublisherSettings.defaults(), registry);
            List<String> received = new CopyOnWriteArrayList<>();
            try (StreamConsumer ignored = StreamConsumer.start(
                    client, settings("audit"), m -> received.add(m.fields().get("n")), registry)) {
                publisher.publish(stream, Map.of("n", "before"));
                await().atMost(Duration.ofSeconds(10)).until(() -> received.contains("before"));

                own.stop();
                own.restart();
                // This Redis keeps nothing across restarts: the consumer must recreate its group.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    publisher.publish(stream, Map.of("n", "after"));
                    assertThat(received).contains("after");
                });
            }
        }
    }

    private StreamConsumerSettings settings(String group) {
        return StreamConsumerSettings.of(stream, group).withBlockTimeout(BLOCK, SHUTDOWN);
    }

    private static StreamHandler recordingHandler(
            String name, Map<String, String> handledBy, AtomicInteger invocations) {
        return message -> {
            invocations.incrementAndGet();
            handledBy.merge(message.id(), name, (earlier, later) -> earlier + "+" + later);
            Thread.sleep(2);
        };
    }

    private double counter(String what) {
        return registry.find("nova.redis.stream." + what).counter().count();
    }
}
