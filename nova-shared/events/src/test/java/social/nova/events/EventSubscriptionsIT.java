package social.nova.events;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.resps.StreamEntry;
import social.nova.redis.RedisClients;
import social.nova.redis.RedisSettings;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The subscription's guarantees against a real Redis. */
class EventSubscriptionsIT {
    private static RedisClient redis;
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final String stream = "nova.events.test-" + UUID.randomUUID();

    @BeforeAll
    static void connect() {
        redis = RedisClients.create(RedisSettings.create(Config.just(
                ConfigSources.create(Map.of("uri", SharedContainers.redis().getRedisUri())))));
    }

    @AfterAll
    static void close() {
        redis.close();
    }

    @Test
    void anEventDeliveredTwiceReachesTheHandlerOnceAndItsLagIsRecorded() {
        String eventId = UUID.randomUUID().toString();
        publish(eventId, "UserFollowed", Instant.now().minusSeconds(2));
        publish(eventId, "UserFollowed", Instant.now().minusSeconds(2)); // the relay published it again
        String lastId = publish(UUID.randomUUID().toString(), "UserUnfollowed", Instant.now());
        List<Event> received = new CopyOnWriteArrayList<>();

        try (EventSubscription ignored =
                EventSubscriptions.create(redis, registry).subscribe(settings("feed-service"), received::add)) {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> redis.xpending(stream, "feed-service").getTotal() == 0
                            && received.size() >= 2
                            && redis.xinfoGroups(stream)
                                    .get(0)
                                    .getLastDeliveredId()
                                    .toString()
                                    .equals(lastId));
        }

        assertThat(received).extracting(Event::type).containsExactly("UserFollowed", "UserUnfollowed");
        assertThat(received.get(0).id()).isEqualTo(eventId);
        assertThat(received.get(0).payload()).isEqualTo("{\"followerId\":\"a\"}");
        assertThat(redis.pttl(RedisHandledEvents.key("feed-service", eventId)))
                .isBetween(
                        Duration.ofDays(7).minusMinutes(1).toMillis(),
                        Duration.ofDays(7).toMillis());
        assertThat(registry.get(EventSubscriptions.DUPLICATES_METRIC).counter().count())
                .isEqualTo(1.0);
        Timer lag = registry.get(EventSubscriptions.LAG_METRIC)
                .tag("stream", stream)
                .tag("group", "feed-service")
                .timer();
        assertThat(lag.count()).isEqualTo(2);
        assertThat(lag.max(java.util.concurrent.TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(2000.0);
    }

    @Test
    void anEventWhoseHandlerFailsMaxDeliveriesTimesLandsInTheDeadLetterStream() {
        String poison = UUID.randomUUID().toString();
        publish(poison, "UserBlocked", Instant.now());
        List<Long> deliveries = new CopyOnWriteArrayList<>();
        EventSubscriptionSettings settings =
                settings("search-service").withRetries(Duration.ofMillis(200), Duration.ofMillis(100), 3);

        try (EventSubscription ignored = EventSubscriptions.create(redis, registry)
                .subscribe(settings, event -> {
                    deliveries.add(event.delivery());
                    throw new IllegalStateException("index unavailable");
                })) {
            await().atMost(Duration.ofSeconds(15)).until(() -> redis.xlen(settings.deadLetterStream()) == 1);
        }

        assertThat(settings.deadLetterStream()).isEqualTo(stream + ".dlq");
        assertThat(deliveries).containsExactly(1L, 2L, 3L);
        StreamEntry dead = redis.xrange(settings.deadLetterStream(), (StreamEntryID) null, null)
                .get(0);
        assertThat(dead.getFields())
                .containsEntry("event-id", poison)
                .containsEntry("event-type", "UserBlocked")
                .containsEntry("dlq-group", "search-service")
                .containsEntry("dlq-deliveries", "3")
                .containsEntry("dlq-error", "IllegalStateException: index unavailable");
        assertThat(redis.exists(RedisHandledEvents.key("search-service", poison)))
                .isFalse();
    }

    private EventSubscriptionSettings settings(String group) {
        return EventSubscriptionSettings.create(Config.just(ConfigSources.create(
                Map.of("stream", stream, "group", group, "block-timeout", "PT0.5S", "shutdown-timeout", "PT2S"))));
    }

    /** An entry as db-pool's OutboxRelay writes it. */
    private String publish(String eventId, String type, Instant createdAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("event-id", eventId);
        fields.put("event-type", type);
        fields.put("aggregate-type", "user");
        fields.put("aggregate-id", "a");
        fields.put("payload", "{\"followerId\":\"a\"}");
        fields.put("created-at", createdAt.toString());
        fields.put("source-schema", "users");
        return redis.xadd(stream, XAddParams.xAddParams(), fields).toString();
    }
}
