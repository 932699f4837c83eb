package social.nova.fcm;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.testing.FcmDouble;
import social.nova.testing.MutableClock;
import social.nova.testing.TestServiceAccount;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FcmClient against FcmDouble, the in-process stand-in for Google's token and FCM endpoints: real
 * HTTP requests, times from a clock the test moves (never the machine's speed).
 */
class FcmClientTest {
    private static final String PROJECT = "nova-test";

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();
    private final List<String> removed = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<FcmClient> clients = new ArrayList<>();
    private FcmDouble fcm;

    @BeforeEach
    void startDouble() {
        fcm = FcmDouble.start(PROJECT, clock);
    }

    @AfterEach
    void stop() {
        clients.forEach(FcmClient::close);
        fcm.close();
    }

    @Test
    void exchangesTheAssertionOnceAndReusesTheAccessToken() {
        FcmClient client = client(Map.of());

        for (int i = 0; i < 3; i++) {
            assertThat(client.send(FcmMessage.to("device-" + i).withNotification("Hi", "there")))
                    .isInstanceOf(SendResult.Sent.class);
        }

        assertThat(fcm.tokensIssued()).isEqualTo(1);
        assertThat(fcm.messages()).hasSize(3);
        assertThat(fcm.messages().stream()
                        .map(FcmDouble.ReceivedMessage::accessToken)
                        .distinct())
                .hasSize(1);
    }

    @Test
    void concurrentSendersShareOneExchange() throws Exception {
        FcmClient client = client(Map.of());
        List<Future<SendResult>> results = new ArrayList<>();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 20; i++) {
                String token = "device-" + i;
                results.add(
                        threads.submit(() -> client.send(FcmMessage.to(token).withData(Map.of("n", token)))));
            }
        }

        for (Future<SendResult> result : results) {
            assertThat(result.get()).isInstanceOf(SendResult.Sent.class);
        }
        assertThat(fcm.tokensIssued()).isEqualTo(1);
        assertThat(fcm.messages()).hasSize(20);
    }

    @Test
    void replacesTheAccessTokenShortlyBeforeItExpires() {
        FcmClient client = client(Map.of("token-refresh-margin", "PT5M"));
        client.send(FcmMessage.to("device").withNotification("1", "one"));

        clock.advance(Duration.ofMinutes(54));
        client.send(FcmMessage.to("device").withNotification("2", "two"));
        assertThat(fcm.tokensIssued()).isEqualTo(1);

        clock.advance(Duration.ofMinutes(2)); // 56 minutes: inside the five-minute margin of the hour
        assertThat(client.send(FcmMessage.to("device").withNotification("3", "three")))
                .isInstanceOf(SendResult.Sent.class);
        assertThat(fcm.tokensIssued()).isEqualTo(2);
        assertThat(fcm.refusals()).isEmpty();
    }

    @Test
    void anAccessTokenFcmRefusesIsReplacedOnce() {
        FcmClient client = client(Map.of());
        client.send(FcmMessage.to("device").withNotification("1", "one"));

        fcm.expireIssuedTokens();
        SendResult result = client.send(FcmMessage.to("device").withNotification("2", "two"));

        assertThat(result).isInstanceOf(SendResult.Sent.class);
        assertThat(fcm.tokensIssued()).isEqualTo(2);
        assertThat(fcm.refusals())
                .singleElement()
                .satisfies(refusal -> assertThat(refusal.status()).isEqualTo(401));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void aSecond401GivesUpInsteadOfLooping() {
        fcm.accessTokenLifetime(Duration.ZERO); // every token it issues is already expired
        FcmClient client = client(Map.of());

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        SendResult.Failed.class,
                        failed ->
                                assertThat(failed.reason()).contains("401", "UNAUTHENTICATED", "new access token too"));
        assertThat(fcm.tokensIssued()).isEqualTo(2);
        assertThat(fcm.refusals()).hasSize(2);
    }

    @Test
    void notificationDataAndPlatformOptionsArriveAsSent() {
        FcmClient client = client(Map.of());

        SendResult result = client.send(FcmMessage.to("device-ada")
                .withNotification("New message", "Ada: are you coming? ✓")
                .withData(Map.of("conversationId", "c-42", "kind", "message"))
                .withAndroid(Map.of("priority", "high", "ttl", "3600s"))
                .withApns(Map.of("headers", Map.of("apns-priority", "10"))));

        FcmDouble.ReceivedMessage received = fcm.messages().getFirst();
        assertThat(result).isEqualTo(new SendResult.Sent(received.name()));
        assertThat(received.name()).startsWith("projects/nova-test/messages/");
        assertThat(received.token()).isEqualTo("device-ada");
        assertThat(received.title()).isEqualTo("New message");
        assertThat(received.body()).isEqualTo("Ada: are you coming? ✓");
        assertThat(received.data()).isEqualTo(Map.of("conversationId", "c-42", "kind", "message"));
        assertThat(received.message().path("android").path("priority").asText()).isEqualTo("high");
        assertThat(received.message()
                        .path("apns")
                        .path("headers")
                        .path("apns-priority")
                        .asText())
                .isEqualTo("10");
        assertThat(meters.counter("nova.fcm.sent", "project", PROJECT).count()).isEqualTo(1);
    }

    @Test
    void anUnregisteredTokenIsRemovedFromTheRegistry() {
        fcm.unregistered("uninstalled");
        FcmClient client = client(Map.of());

        SendResult result = client.send(FcmMessage.to("uninstalled").withNotification("Hi", "there"));

        assertThat(result).isEqualTo(new SendResult.InvalidToken("uninstalled", "UNREGISTERED"));
        assertThat(removed).containsExactly("uninstalled");
        assertThat(fcm.refusals()).hasSize(1); // not retried
        assertThat(meters.counter("nova.fcm.invalid", "project", PROJECT).count())
                .isEqualTo(1);
    }

    @Test
    void aTokenRefusedAsInvalidArgumentIsRemovedFromTheRegistry() {
        fcm.invalidTokens("not-a-token");
        FcmClient client = client(Map.of());

        SendResult result = client.send(FcmMessage.to("not-a-token").withData(Map.of("k", "v")));

        assertThat(result).isEqualTo(new SendResult.InvalidToken("not-a-token", "INVALID_ARGUMENT"));
        assertThat(removed).containsExactly("not-a-token");
        assertThat(client.send(FcmMessage.to("fine").withData(Map.of("k", "v"))))
                .isInstanceOf(SendResult.Sent.class);
        assertThat(removed).containsExactly("not-a-token");
    }

    @Test
    void waitsAtLeastRetryAfterWhenThrottledThenSends() {
        fcm.throttleNext(1, Duration.ofSeconds(7));
        FcmClient client = client(Map.of("retry.backoff-initial", "PT0.1S"));
        Instant before = clock.instant();

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result).isInstanceOf(SendResult.Sent.class);
        assertThat(sleeps)
                .singleElement()
                .satisfies(wait -> assertThat(wait).isGreaterThanOrEqualTo(Duration.ofSeconds(7)));
        assertThat(fcm.messages().getFirst().at()).isAfterOrEqualTo(before.plusSeconds(7));
        assertThat(fcm.refusals())
                .singleElement()
                .satisfies(refusal -> assertThat(refusal.status()).isEqualTo(429));
        assertThat(meters.counter("nova.fcm.retries", "project", PROJECT).count())
                .isEqualTo(1);
    }

    @Test
    void reallySleepsForRetryAfter() {
        // The one test on real time: a lower bound only, which no machine's speed can break.
        try (FcmDouble realFcm = FcmDouble.start(PROJECT);
                FcmClient client = new FcmClient(settings(realFcm, Map.of()), removed::add, meters)) {
            realFcm.throttleNext(1, Duration.ofSeconds(1));
            long start = System.nanoTime();

            SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

            assertThat(result).isInstanceOf(SendResult.Sent.class);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));
        }
    }

    @Test
    void retriesUnavailableWithBackoffThenSends() {
        fcm.unavailableNext(2);
        FcmClient client = client(Map.of("retry.backoff-initial", "PT1S", "retry.backoff-max", "PT10S"));

        assertThat(client.send(FcmMessage.to("device").withNotification("Hi", "there")))
                .isInstanceOf(SendResult.Sent.class);

        assertThat(sleeps).hasSize(2);
        // Jitter is +-50 % around 1 s, then 2 s.
        assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1500));
        assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(1000), Duration.ofMillis(3000));
    }

    @Test
    void givesUpAfterMaxAttempts() {
        fcm.unavailableNext(10);
        FcmClient client = client(Map.of("retry.max-attempts", "3"));

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, failed -> {
            assertThat(failed.attempts()).isEqualTo(3);
            assertThat(failed.reason()).contains("503", "UNAVAILABLE", "attempt 3 of 3");
        });
        assertThat(fcm.refusals()).hasSize(3);
        assertThat(sleeps).hasSize(2);
        assertThat(fcm.messages()).isEmpty();
        assertThat(removed).isEmpty();
        assertThat(meters.counter("nova.fcm.failed", "project", PROJECT).count())
                .isEqualTo(1);
    }

    @Test
    void neverWaitsPastTheDeadline() {
        fcm.throttleNext(1, Duration.ofMinutes(2));
        FcmClient client = client(Map.of("retry.deadline", "PT60S"));

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result)
                .isInstanceOfSatisfying(
                        SendResult.Failed.class,
                        failed -> assertThat(failed.reason()).contains("429", "fcm.retry.deadline"));
        assertThat(sleeps).isEmpty();
    }

    @Test
    void refusedCredentialsFailAtOnceWithTheReason() {
        TestServiceAccount stranger = TestServiceAccount.generate(PROJECT, fcm.tokenUri()); // not trusted
        FcmClient client = client(Map.of("credentials", stranger.json()));

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, failed -> {
            assertThat(failed.reason()).contains("400", "invalid_grant", stranger.clientEmail());
            assertThat(failed.attempts()).isEqualTo(1);
        });
        assertThat(fcm.refusals())
                .singleElement()
                .satisfies(refusal -> assertThat(refusal.reason()).contains("unknown issuer"));
    }

    @Test
    void noAnswerIsRetriedThenGivenUp() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        FcmClient client = client(Map.of("endpoint", "http://127.0.0.1:" + closedPort, "retry.max-attempts", "2"));

        SendResult result = client.send(FcmMessage.to("device").withNotification("Hi", "there"));

        assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, failed -> {
            assertThat(failed.attempts()).isEqualTo(2);
            assertThat(failed.reason()).contains("no answer from FCM");
        });
        assertThat(sleeps).hasSize(1);
    }

    private FcmClient client(Map<String, String> overrides) {
        FcmClient client = new FcmClient(settings(fcm, overrides), removed::add, meters, clock, wait -> {
            sleeps.add(wait);
            clock.advance(wait);
        });
        clients.add(client);
        return client;
    }

    private static FcmSettings settings(FcmDouble fcm, Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("enabled", "true");
        values.put("endpoint", fcm.endpoint().toString());
        values.put("project-id", fcm.projectId());
        values.put("credentials", fcm.serviceAccount().json());
        values.put("retry.backoff-initial", "PT0.05S");
        values.putAll(overrides);
        return FcmSettings.create(Config.just(ConfigSources.create(values)));
    }
}
