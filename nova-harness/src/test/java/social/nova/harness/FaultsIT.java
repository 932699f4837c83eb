package social.nova.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.config.Config;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.GatewayApi.Account;
import social.nova.harness.GatewayApi.Answer;
import social.nova.harness.NovaStack.Platform;
import social.nova.harness.faults.FaultOutcome;
import social.nova.harness.faults.FaultSettings;
import social.nova.harness.faults.Flood;
import social.nova.harness.latency.FixedRateLoad;
import social.nova.harness.latency.FixedRateLoad.Operation;
import social.nova.harness.latency.FixedRateLoad.Sample;
import social.nova.harness.latency.LatencySummary;
import social.nova.harness.latency.RpcEdgeLatencies;
import social.nova.harness.report.ReportParts;
import social.nova.testing.Mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The fleet under faults, with the stack's own containers: an instance killed under load, a
 * service with every instance stopped, Redis frozen, PostgreSQL and Consul restarted, a noisy
 * client, Consul frozen, auth-service down past the key max age, an instance stopped (drained)
 * under load, and a flood. Each test
 * restores what it broke before it ends (the stack is shared with the other test classes, which
 * is why this class runs after those that measure), records its outcome and figures for the
 * report, and checks that every write the gateway acknowledged (201) in any fault is still there.
 */
@ExtendWith(NovaStackExtension.class)
@Order(4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    private static final String USER_SERVICE = "user-service";
    private static final String CONTENT_SERVICE = "content-service";
    private static final String AUTH_SERVICE = "auth-service";
    private static final String MESSAGING_SERVICE = "messaging-service";
    /** Messages of the messaging fault, and how many go before the kill. */
    private static final int MESSAGES = 60;

    private static final int MESSAGES_BEFORE_KILL = 20;
    /** The receiver's sockets: with the gateway's round robin, streams on both instances. */
    private static final int RECEIVER_SOCKETS = 4;
    /** How long one message may take to be acknowledged, retries included, while an instance dies. */
    private static final Duration MESSAGE_ACK_WITHIN = Duration.ofSeconds(30);
    /** auth-service's announced key max age in the ITs (nova-harness/pom.xml sets AUTH_KEYS_JWKS_dash_MAX_dash_AGE). */
    private static final Duration AUTH_KEY_MAX_AGE = Duration.ofSeconds(15);

    private static final Duration PAST_MAX_AGE = Duration.ofSeconds(10);
    private static final int LOAD_USERS = 5;
    private static final int FAIL_FAST_PROBES = 20;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration STEADY_PAUSE = Duration.ofMillis(150);
    private static final Duration REDIS_PAUSED_FOR = Duration.ofSeconds(6);
    /** The services' {@code redis.socket-timeout} (nova-redis-utils' default): the longest a Redis command waits. */
    private static final Duration REDIS_TIMEOUT = Duration.ofSeconds(2);
    /** What a request may take beside its Redis waits while Redis is paused. */
    private static final Duration REDIS_OWN_WORK = Duration.ofSeconds(1);
    /** The kinds of request sent while Redis is paused; each is sent at least once. */
    private static final int REDIS_ROUTES = 4;
    /** How much of a failure's message the report shows. */
    private static final int DETAIL_LENGTH = 400;

    private static final String RETRIES = "retries";
    private static final String CALLS = "failed calls";
    /** The noisy client: 120 wrong-password logins. */
    private static final int NOISY_LOGINS = 120;

    private static final Duration CONSUL_PAUSED_FOR = Duration.ofSeconds(15);
    /** How long the mail server stays down: past the mail relay's first attempt (it polls every 0.5 s). */
    private static final Duration MAIL_DOWN_FOR = Duration.ofSeconds(3);
    /** Once it is back, the relay's back-off (2 s, doubling) decides when the mail goes. */
    private static final Duration MAIL_AFTER_OUTAGE = Duration.ofSeconds(60);

    private static final Duration HEALTH_WITHIN = Duration.ofSeconds(1);

    private static NovaStack stack;
    private static FaultSettings settings;
    private static GatewayApi gateway;
    private static HttpClient http;
    /** Every post the gateway acknowledged with 201 during these tests, id to author. */
    private static final Map<String, Account> ACKNOWLEDGED = new ConcurrentHashMap<>();

    @BeforeAll
    static void gateway(NovaStack novaStack) {
        stack = novaStack;
        settings = FaultSettings.create(Config.create().get("nova.faults"));
        http = HttpClient.newHttpClient();
        gateway = GatewayApi.of(stack, settings.requestTimeout());
        assertThat(stack.instances(USER_SERVICE))
                .as("FaultsIT needs two user-service instances (nova.instances)")
                .hasSize(2);
        assertThat(stack.instances(MESSAGING_SERVICE))
                .as("FaultsIT needs two messaging-service instances (nova.instances)")
                .hasSize(2);
    }

    @Test
    @Order(1)
    void killingOneOfTwoUserServiceInstancesUnderLoadCostsUnderOnePercentAndItLeavesTheBalancingQuickly()
            throws Exception {
        fault(
                "user-service instance killed under load",
                String.format(
                        java.util.Locale.ROOT,
                        "%.0f req/s for %d s through the gateway on routes that reach "
                                + "user-service; docker kill of one of its two instances: under %.0f%% of requests fail and the "
                                + "dead instance gets no call %d ms after the kill",
                        settings.rate(),
                        settings.duration().toSeconds(),
                        settings.maxErrorRate() * 100,
                        settings.failoverWithin().toMillis()),
                measured -> {
                    List<Account> users = signUps(LOAD_USERS, "kill");
                    ServiceInstance victim = stack.instances(USER_SERVICE).getLast();
                    Map<String, List<URI>> callers = callersOf(USER_SERVICE);
                    AtomicLong killedAt = new AtomicLong();
                    AtomicLong leftConsulAfterNanos = new AtomicLong(-1);
                    AtomicReference<Map<String, Double>> afterFailover = new AtomicReference<>();
                    try {
                        List<FixedRateLoad.Outcome> outcomes =
                                FixedRateLoad.run(userServiceMix(users), settings.rate(), settings.duration(), () -> {
                                    sleep(settings.killAfter());
                                    killedAt.set(System.nanoTime());
                                    stack.kill(victim);
                                    // When Consul stops handing it out, and what the callers did from failover-within
                                    // on.
                                    long deadline = killedAt.get()
                                            + settings.failoverWithin().toNanos();
                                    while (System.nanoTime() < deadline) {
                                        if (leftConsulAfterNanos.get() < 0
                                                && !passingTargets(USER_SERVICE).contains(victim.target())) {
                                            leftConsulAfterNanos.set(System.nanoTime() - killedAt.get());
                                        }
                                        sleep(POLL);
                                    }
                                    afterFailover.set(callerCounters(callers, USER_SERVICE));
                                });
                        Map<String, Double> atEnd = callerCounters(callers, USER_SERVICE);
                        List<Sample> samples = outcomes.stream()
                                .flatMap(o -> o.samples().stream())
                                .toList();
                        long failed =
                                samples.stream().filter(s -> !s.answered()).count();
                        long failoverEnds =
                                killedAt.get() + settings.failoverWithin().toNanos();
                        List<Sample> late = samples.stream()
                                .filter(s -> s.dueNanos() >= failoverEnds)
                                .toList();
                        long lastFailureAfterKill = samples.stream()
                                .filter(s -> !s.answered() && s.dueNanos() >= killedAt.get())
                                .mapToLong(s -> s.dueNanos() + s.latencyNanos() - killedAt.get())
                                .max()
                                .orElse(-1);
                        LatencySummary latency = LatencySummary.ofMicros(LatencySummary.microsOf(
                                samples.stream().mapToLong(Sample::latencyNanos).toArray()));
                        double lateRetries =
                                atEnd.get(RETRIES) - afterFailover.get().get(RETRIES);
                        double lateFailedCalls =
                                atEnd.get(CALLS) - afterFailover.get().get(CALLS);
                        measured.put("requests", (long) samples.size());
                        measured.put("failed requests", failed);
                        measured.put("error rate %", 100.0 * failed / samples.size());
                        measured.put(
                                "killed at, s into the load",
                                settings.killAfter().toSeconds());
                        measured.put(
                                "last failed request ended, ms after the kill",
                                lastFailureAfterKill < 0 ? "none failed" : (Object) (lastFailureAfterKill / 1e6));
                        measured.put("requests due from failover-within on", (long) late.size());
                        measured.put(
                                "callers' retries and failed calls to user-service from failover-within on",
                                lateRetries + lateFailedCalls);
                        measured.put(
                                "dead instance out of Consul's passing list, ms after the kill",
                                leftConsulAfterNanos.get() < 0
                                        ? "later than failover-within"
                                        : (Object) (leftConsulAfterNanos.get() / 1e6));
                        measured.put("p99 ms", latency.p99());
                        measured.put("max ms", latency.max());

                        assertThat((double) failed / samples.size())
                                .as("share of failed requests")
                                .isLessThan(settings.maxErrorRate());
                        assertThat(late)
                                .as("requests due %s after the kill", settings.failoverWithin())
                                .isNotEmpty()
                                .allMatch(Sample::answered);
                        assertThat(lateRetries + lateFailedCalls)
                                .as(
                                        "the callers' attempts on the dead instance (a retry or a failed call) after %s",
                                        settings.failoverWithin())
                                .isZero();
                    } finally {
                        stack.restart(victim);
                    }
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(2)
    void withEveryUserServiceInstanceStoppedItsRoutesFailFastWhileOthersWorkAndItRecoversByItself() throws Exception {
        fault(
                "user-service stopped (every instance)",
                "its routes answer 503 in under " + settings.failFastWithin().toMillis()
                        + " ms once the gateway's breaker "
                        + "is open; login and post reads keep working; restarted, it serves again with no manual step",
                measured -> {
                    Account author = gateway.signUp("outage");
                    Account reader = gateway.signUp("outage");
                    String post = acknowledgedPost(author, "before the outage");
                    List<ServiceInstance> instances = stack.instances(USER_SERVICE);
                    long stoppedAt = System.nanoTime();
                    try {
                        instances.parallelStream().forEach(stack::stop);
                        measured.put("instances stopped", (long) instances.size());
                        Answer first = gateway.get("/api/v1/users/me", author.accessToken());
                        measured.put(
                                "first answer after the stop",
                                first.status() + " in " + format(first.millis()) + " ms");

                        // Callers see 503 at once; the breaker opens after enough failed calls.
                        AtomicInteger sent = new AtomicInteger();
                        await("the gateway's breaker for user-service open")
                                .atMost(settings.recoveryTimeout())
                                .pollInterval(POLL)
                                .until(() -> {
                                    Answer answer = gateway.get("/api/v1/users/me", author.accessToken());
                                    sent.incrementAndGet();
                                    assertThat(answer.status())
                                            .as(answer.toString())
                                            .isEqualTo(503);
                                    return "OPEN".equals(breakerState(USER_SERVICE));
                                });
                        measured.put("requests until the breaker opened", (long) sent.get());
                        List<Answer> probes = new ArrayList<>();
                        for (int i = 0; i < FAIL_FAST_PROBES; i++) {
                            probes.add(gateway.get(
                                    i % 2 == 0 ? "/api/v1/users/me" : "/api/v1/users/" + reader.userId(),
                                    author.accessToken()));
                        }
                        double slowest = probes.stream()
                                .mapToDouble(Answer::millis)
                                .max()
                                .orElseThrow();
                        measured.put("503 answers with the breaker open, slowest ms", slowest);
                        Answer login = gateway.call(
                                "POST",
                                "/api/v1/auth/login",
                                null,
                                Map.of("email", reader.email(), "password", reader.password()));
                        Answer read = gateway.get("/api/v1/posts/" + post, reader.accessToken());
                        // The reader has never posted: content-service has not confirmed it as an author yet
                        // (a confirmed author stays confirmed, since profiles are never deleted).
                        Answer write = gateway.call(
                                "POST", "/api/v1/posts", reader.accessToken(), Map.of("text", "during the outage"));
                        measured.put(
                                "login / post read / post write during the outage",
                                login.status() + " / " + read.status() + " / " + write.status());

                        assertThat(probes).allSatisfy(probe -> {
                            assertThat(probe.status()).as(probe.toString()).isEqualTo(503);
                            assertThat(probe.errorCode()).isEqualTo("UNAVAILABLE");
                            assertThat(probe.headers().firstValue("Retry-After"))
                                    .isPresent();
                        });
                        assertThat(slowest)
                                .as("slowest 503 with the breaker open, ms")
                                .isLessThan(settings.failFastWithin().toMillis());
                        assertThat(login.status())
                                .as("login during the outage: %s", login)
                                .isEqualTo(200);
                        assertThat(read.status())
                                .as("post read during the outage: %s", read)
                                .isEqualTo(200);
                        assertThat(write.status())
                                .as("a first post (needs user-service to confirm the author): %s", write)
                                .isEqualTo(503);
                    } finally {
                        stack.restart(instances);
                    }
                    long passingAt = System.nanoTime();
                    measured.put("stopped for, s", (passingAt - stoppedAt) / 1e9);
                    await("user-service routes answer again")
                            .atMost(settings.recoveryTimeout())
                            .pollInterval(POLL)
                            .until(() -> gateway.get("/api/v1/users/me", author.accessToken())
                                            .status()
                                    == 200);
                    measured.put(
                            "routes answer again, s after both instances passed",
                            (System.nanoTime() - passingAt) / 1e9);
                    // content-service's own breaker for user-service (opened by the write above) closes on its
                    // own schedule: a half-open probe after its wait in the open state.
                    await("posts are written again")
                            .atMost(settings.recoveryTimeout())
                            .pollInterval(POLL)
                            .until(() -> acknowledge(
                                                    reader,
                                                    gateway.call(
                                                            "POST",
                                                            "/api/v1/posts",
                                                            reader.accessToken(),
                                                            Map.of("text", "after the outage")))
                                            .status()
                                    == 201);
                    measured.put(
                            "posts written again, s after both instances passed",
                            (System.nanoTime() - passingAt) / 1e9);
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(3)
    void withRedisPausedRequestsStillSucceedAndTheGatewayStaysReady() throws Exception {
        fault(
                "Redis paused",
                "docker pause of Redis: requests through the gateway succeed (caches and rate limits "
                        + "bypassed) and every service stays passing in Consul",
                measured -> {
                    Account author = gateway.signUp("redis");
                    Account reader = gateway.signUp("redis");
                    String post = acknowledgedPost(author, "before Redis froze");
                    List<Answer> answers = new ArrayList<>();
                    List<String> notPassing = new ArrayList<>();
                    stack.pause(Platform.REDIS);
                    try {
                        long until = System.nanoTime() + REDIS_PAUSED_FOR.toNanos();
                        int round = 0;
                        while (System.nanoTime() < until || round < REDIS_ROUTES) {
                            answers.add(
                                    switch (round++ % REDIS_ROUTES) {
                                        case 0 -> gateway.get("/api/v1/users/me", reader.accessToken());
                                        case 1 -> gateway.get("/api/v1/users/" + author.userId(), reader.accessToken());
                                        case 2 -> gateway.get("/api/v1/posts/" + post, reader.accessToken());
                                        default ->
                                            acknowledge(
                                                    author,
                                                    gateway.call(
                                                            "POST",
                                                            "/api/v1/posts",
                                                            author.accessToken(),
                                                            Map.of("text", "while Redis is frozen")));
                                    });
                        }
                        for (ServiceSpec service : stack.fleet().services()) {
                            if (passingTargets(service.name()).size()
                                    < stack.instances(service.name()).size()) {
                                notPassing.add(service.name());
                            }
                        }
                    } finally {
                        stack.unpause(Platform.REDIS);
                    }
                    long failed =
                            answers.stream().filter(a -> a.status() >= 300).count();
                    measured.put("paused for, s", REDIS_PAUSED_FOR.toSeconds());
                    measured.put("requests", (long) answers.size());
                    measured.put("failed requests", failed);
                    measured.put(
                            "slowest answer, ms",
                            answers.stream().mapToDouble(Answer::millis).max().orElse(0));
                    measured.put(
                            "services not all passing in Consul at the end",
                            notPassing.isEmpty() ? "none" : String.join(", ", notPassing));

                    assertThat(answers)
                            .as("answers while Redis was paused")
                            .isNotEmpty()
                            .allSatisfy(answer -> assertThat(answer.status())
                                    .as(answer.toString())
                                    .isLessThan(300));
                    // A request meets Redis in at most two processes (the gateway's rate limit, the service's
                    // cache); each waits at most its Redis timeout once, then skips Redis while it is down.
                    assertThat(answers)
                            .allSatisfy(answer -> assertThat(answer.millis())
                                    .as("answer while Redis was paused, ms")
                                    .isLessThan(2 * REDIS_TIMEOUT.toMillis() + REDIS_OWN_WORK.toMillis()));
                    assertThat(notPassing)
                            .as("services that left Consul's passing list while Redis was paused")
                            .isEmpty();
                    stack.awaitPassing(stack.instances());
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(4)
    void afterAPostgresRestartThePoolsRecoverAndNoAcknowledgedWriteIsLost() throws Exception {
        fault(
                "PostgreSQL restarted",
                "docker restart of PostgreSQL under light load: the services' pools reconnect "
                        + "by themselves; every write acknowledged before or during it is still there",
                measured -> {
                    List<Account> authors = signUps(3, "pg");
                    acknowledgedPost(authors.getFirst(), "before the restart");
                    AtomicBoolean running = new AtomicBoolean(true);
                    AtomicInteger sent = new AtomicInteger();
                    AtomicInteger failed = new AtomicInteger();
                    Map<Integer, Long> refusals = new ConcurrentHashMap<>();
                    Thread load = Thread.ofVirtual().start(() -> {
                        while (running.get()) {
                            Account author = authors.get(sent.getAndIncrement() % authors.size());
                            try {
                                Answer answer = acknowledge(
                                        author,
                                        gateway.call(
                                                "POST",
                                                "/api/v1/posts",
                                                author.accessToken(),
                                                Map.of("text", "during the restart")));
                                if (answer.status() != 201) {
                                    failed.incrementAndGet();
                                    refusals.merge(answer.status(), 1L, Long::sum);
                                }
                            } catch (IOException e) {
                                failed.incrementAndGet();
                                refusals.merge(-1, 1L, Long::sum);
                            } catch (InterruptedException e) {
                                return;
                            }
                            sleep(STEADY_PAUSE);
                        }
                    });
                    long restartedAt;
                    long recoveredAt;
                    try {
                        long stoppedAt = System.nanoTime();
                        stack.restart(Platform.POSTGRES);
                        restartedAt = System.nanoTime();
                        measured.put("restart took, s", (restartedAt - stoppedAt) / 1e9);
                        await("writes and reads succeed again")
                                .atMost(settings.recoveryTimeout())
                                .pollInterval(POLL)
                                .until(() -> gateway.call(
                                                                "POST",
                                                                "/api/v1/posts",
                                                                authors.getLast()
                                                                        .accessToken(),
                                                                Map.of("text", "probe"))
                                                        .status()
                                                == 201
                                        && gateway.get(
                                                                "/api/v1/users/"
                                                                        + authors.getFirst()
                                                                                .userId(),
                                                                authors.getLast()
                                                                        .accessToken())
                                                        .status()
                                                == 200);
                        recoveredAt = System.nanoTime();
                    } finally {
                        running.set(false);
                        load.join();
                    }
                    stack.awaitPassing(stack.instances());
                    measured.put(
                            "requests succeed again, s after PostgreSQL answered", (recoveredAt - restartedAt) / 1e9);
                    measured.put(
                            "every instance passing again, s after PostgreSQL answered",
                            (System.nanoTime() - restartedAt) / 1e9);
                    measured.put("writes sent during the restart", (long) sent.get());
                    measured.put("writes refused during the restart", (long) failed.get());
                    measured.put("refusals by status", new java.util.TreeMap<>(refusals).toString());
                    // A write that meets the restart is refused as unavailable (503), or 504 when its deadline
                    // ran out waiting for a connection; never 500 (the storage failure is not a bug).
                    assertThat(refusals.keySet())
                            .as("statuses of the writes refused during the restart")
                            .isSubsetOf(503, 504);
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(5)
    void afterAConsulRestartEveryServiceRegistersAgainByItself() throws Exception {
        fault(
                "Consul restarted",
                "docker restart of the Consul dev agent (it forgets every registration): each "
                        + "instance registers again by itself with passing checks, and the gateway routes again",
                measured -> {
                    Account author = gateway.signUp("consul");
                    acknowledgedPost(author, "before Consul restarted");
                    long stoppedAt = System.nanoTime();
                    stack.restart(Platform.CONSUL);
                    long answeredAt = System.nanoTime();
                    measured.put("restart took, s", (answeredAt - stoppedAt) / 1e9);
                    measured.put("instances registered right after the restart", (long) registeredInstances());
                    // Not promised, but worth knowing: how the gateway answers while the services register again.
                    AtomicBoolean registering = new AtomicBoolean(true);
                    AtomicInteger probes = new AtomicInteger();
                    AtomicInteger refused = new AtomicInteger();
                    Thread prober = Thread.ofVirtual().start(() -> {
                        while (registering.get()) {
                            try {
                                probes.incrementAndGet();
                                if (gateway.get("/api/v1/users/me", author.accessToken())
                                                .status()
                                        != 200) {
                                    refused.incrementAndGet();
                                }
                            } catch (IOException e) {
                                refused.incrementAndGet();
                            } catch (InterruptedException e) {
                                return;
                            }
                            sleep(STEADY_PAUSE);
                        }
                    });
                    try {
                        stack.awaitPassing(stack.instances());
                    } finally {
                        registering.set(false);
                        prober.join();
                    }
                    long registeredAt = System.nanoTime();
                    measured.put(
                            "gateway requests failed while the services registered again",
                            refused.get() + " of " + probes.get());
                    measured.put("instances", (long) stack.instances().size());
                    measured.put(
                            "all registered and passing again, s after Consul answered",
                            (registeredAt - answeredAt) / 1e9);
                    await("the gateway routes again")
                            .atMost(settings.recoveryTimeout())
                            .pollInterval(POLL)
                            .until(() -> gateway.get("/api/v1/users/me", author.accessToken())
                                            .status()
                                    == 200);
                    measured.put(
                            "gateway routes again, s after Consul answered", (System.nanoTime() - answeredAt) / 1e9);
                    acknowledgedPost(author, "after Consul restarted");
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(6)
    void aNoisyClientMeetsItsOwnLimitsAndNeverOpensTheBreakerForAnotherClient() throws Exception {
        fault(
                "noisy client",
                NOISY_LOGINS + " logins with a wrong password from one client (answers 401, then 429 "
                        + "once the account's login limit is reached); the gateway's breaker for auth-service stays CLOSED, and "
                        + "another client, from another address on the stack's network, signs in at once (200)",
                measured -> {
                    Account target = gateway.signUp("noisy");
                    Account bystander = gateway.signUp("bystander");
                    Map<Integer, Long> statuses = new java.util.TreeMap<>();
                    for (int i = 0; i < NOISY_LOGINS; i++) {
                        Answer answer = gateway.call(
                                "POST",
                                "/api/v1/auth/login",
                                null,
                                Map.of("email", target.email(), "password", "not the password " + i));
                        statuses.merge(answer.status(), 1L, Long::sum);
                    }
                    String breaker = breakerState("auth-service");
                    ServiceSpec edge = stack.fleet().edge().orElseThrow();
                    ToolImages.ToolImage image = new ToolImages(
                                    org.testcontainers.DockerClientFactory.instance()
                                            .client(),
                                    stack.settings().root())
                            .pythonGrpcClient();
                    NovaStack.Completed second = stack.runToCompletion(
                            "second-client",
                            image.tag(),
                            Map.of("NOVA_EMAIL", bystander.email(), "NOVA_PASSWORD", bystander.password()),
                            List.of("login", "http://" + edge.name() + ":" + edge.port()),
                            Duration.ofMinutes(2));
                    JsonNode login = second.output()
                            .lines()
                            .map(String::strip)
                            .filter(line -> line.startsWith("{"))
                            .map(FaultsIT::json)
                            .reduce((first, last) -> last)
                            .orElse(null);

                    measured.put("noisy client's answers by status", statuses.toString());
                    measured.put("gateway's breaker for auth-service afterwards", breaker);
                    measured.put(
                            "second client's login",
                            login == null ? "no answer: " + second.output().strip() : login.toString());

                    assertThat(statuses).as("the noisy client's answers").containsOnlyKeys(401, 429);
                    assertThat(breaker)
                            .as("the gateway's breaker for auth-service")
                            .isEqualTo("CLOSED");
                    assertThat(login)
                            .as("the second client's line in%n%s", second.output())
                            .isNotNull();
                    assertThat(login.path("status").asInt())
                            .as("the second client's login: %s", login)
                            .isEqualTo(200);
                    assertThat(login.path("signed_in").asBoolean()).isTrue();
                });
    }

    @Test
    @Order(7)
    void withConsulPausedTheGatewayKeepsRoutingAndHealthAnswersWithinASecond() throws Exception {
        fault(
                "Consul paused " + CONSUL_PAUSED_FOR.toSeconds() + " s",
                "docker pause of Consul: requests through the "
                        + "gateway keep succeeding on the instances already known, and the gateway's /health answers within "
                        + HEALTH_WITHIN.toMillis() + " ms throughout",
                measured -> {
                    Account user = gateway.signUp("frozen");
                    String post = acknowledgedPost(user, "before Consul froze");
                    List<Answer> requests = new ArrayList<>();
                    List<Answer> healths = new ArrayList<>();
                    stack.pause(Platform.CONSUL);
                    try {
                        long until = System.nanoTime() + CONSUL_PAUSED_FOR.toNanos();
                        while (System.nanoTime() < until) {
                            requests.add(gateway.get("/api/v1/users/me", user.accessToken()));
                            requests.add(gateway.get("/api/v1/posts/" + post, user.accessToken()));
                            healths.add(gateway.get("/health", null));
                            sleep(STEADY_PAUSE);
                        }
                    } finally {
                        stack.unpause(Platform.CONSUL);
                    }
                    Map<Integer, Long> healthStatuses = new java.util.TreeMap<>();
                    healths.forEach(answer -> healthStatuses.merge(answer.status(), 1L, Long::sum));
                    measured.put("paused for, s", CONSUL_PAUSED_FOR.toSeconds());
                    measured.put("requests", (long) requests.size());
                    measured.put(
                            "failed requests",
                            requests.stream()
                                    .filter(answer -> answer.status() != 200)
                                    .count());
                    measured.put(
                            "slowest request, ms",
                            requests.stream().mapToDouble(Answer::millis).max().orElse(0));
                    measured.put("/health answers by status", healthStatuses.toString());
                    measured.put(
                            "slowest /health, ms",
                            healths.stream().mapToDouble(Answer::millis).max().orElse(0));

                    assertThat(requests)
                            .as("requests while Consul was paused")
                            .isNotEmpty()
                            .allSatisfy(answer -> assertThat(answer.status())
                                    .as(answer.toString())
                                    .isEqualTo(200));
                    assertThat(healths)
                            .as("/health while Consul was paused")
                            .isNotEmpty()
                            .allSatisfy(answer -> assertThat(answer.millis())
                                    .as("/health answered %d", answer.status())
                                    .isLessThan(HEALTH_WITHIN.toMillis()));
                    stack.awaitPassing(stack.instances());
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(8)
    void withAuthServiceDownPastTheKeyMaxAgeSignedInReadsKeepWorking() throws Exception {
        fault(
                "auth-service down past the key cache age",
                "docker stop of every auth-service instance for the key max "
                        + "age it announces (" + AUTH_KEY_MAX_AGE.toSeconds() + " s in the ITs) plus "
                        + PAST_MAX_AGE.toSeconds()
                        + " s: a token never seen before (so no verified-token cache holds it) is still verified with the last "
                        + "keys each service fetched, and signed-in reads through the gateway answer 200",
                measured -> {
                    Account author = gateway.signUp("keys");
                    String post = acknowledgedPost(author, "before auth-service stopped");
                    // A fresh access token: no gateway or service has verified it yet.
                    Answer login = gateway.call(
                            "POST",
                            "/api/v1/auth/login",
                            null,
                            Map.of("email", author.email(), "password", author.password()));
                    assertThat(login.status()).as(login.toString()).isEqualTo(200);
                    String unseenToken = login.body().get("accessToken").asText();
                    List<ServiceInstance> instances = stack.instances(AUTH_SERVICE);
                    long stoppedAt = System.nanoTime();
                    List<Answer> reads = new ArrayList<>();
                    try {
                        instances.parallelStream().forEach(stack::stop);
                        sleep(AUTH_KEY_MAX_AGE.plus(PAST_MAX_AGE));
                        measured.put("auth-service stopped, s before the reads", (System.nanoTime() - stoppedAt) / 1e9);
                        reads.add(gateway.get("/api/v1/users/me", unseenToken));
                        reads.add(gateway.get("/api/v1/posts/" + post, unseenToken));
                        reads.add(gateway.get("/api/v1/users/" + author.userId() + "/posts?limit=5", unseenToken));
                        Answer refresh = gateway.call(
                                "POST",
                                "/api/v1/auth/refresh",
                                null,
                                Map.of("refreshToken", author.refreshToken().get()));
                        measured.put(
                                "reads with the unseen token (users/me, post, author's posts)",
                                reads.stream()
                                        .map(answer -> String.valueOf(answer.status()))
                                        .toList()
                                        .toString());
                        measured.put("a refresh meanwhile (needs auth-service)", refresh.status());
                        assertThat(refresh.status())
                                .as("a refresh with auth-service down: %s", refresh)
                                .isEqualTo(503);
                    } finally {
                        stack.restart(instances);
                    }
                    assertThat(reads)
                            .allSatisfy(answer -> assertThat(answer.status())
                                    .as(answer.toString())
                                    .isEqualTo(200));
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(9)
    void stoppingOneOfTwoUserServiceInstancesUnderLoadDrainsItWithoutAFailedRequest() throws Exception {
        fault(
                "user-service instance stopped under load (drain)",
                String.format(
                        java.util.Locale.ROOT,
                        "%.0f req/s for %d s through the gateway on routes that reach user-service; docker stop (SIGTERM) of one "
                                + "of its two instances: it deregisters, finishes what it has and stops; no request fails and "
                                + "no caller's call to user-service fails (no CANCELLED), retried or not",
                        settings.rate(),
                        settings.duration().toSeconds()),
                measured -> {
                    List<Account> users = signUps(LOAD_USERS, "drain");
                    ServiceInstance victim = stack.instances(USER_SERVICE).getLast();
                    Map<String, List<URI>> callers = callersOf(USER_SERVICE);
                    Map<String, Double> before = callerCounters(callers, USER_SERVICE);
                    AtomicLong stopTook = new AtomicLong();
                    try {
                        List<FixedRateLoad.Outcome> outcomes =
                                FixedRateLoad.run(userServiceMix(users), settings.rate(), settings.duration(), () -> {
                                    sleep(settings.killAfter());
                                    long started = System.nanoTime();
                                    stack.stop(victim);
                                    stopTook.set(System.nanoTime() - started);
                                });
                        Map<String, Double> after = callerCounters(callers, USER_SERVICE);
                        List<Sample> samples = outcomes.stream()
                                .flatMap(o -> o.samples().stream())
                                .toList();
                        long failed = samples.stream()
                                .filter(sample -> !sample.answered())
                                .count();
                        double failedCalls = after.get(CALLS) - before.get(CALLS);
                        measured.put("requests", (long) samples.size());
                        measured.put("failed requests", failed);
                        measured.put(
                                "stopped at, s into the load",
                                settings.killAfter().toSeconds());
                        measured.put("docker stop took, s", stopTook.get() / 1e9);
                        measured.put(
                                "callers' retries of calls to user-service", after.get(RETRIES) - before.get(RETRIES));
                        measured.put("callers' failed calls to user-service", failedCalls);

                        assertThat(stopTook.get())
                                .as("the stop happened within the load")
                                .isPositive();
                        assertThat(failed)
                                .as("failed requests while an instance drained")
                                .isZero();
                        assertThat(failedCalls)
                                .as("the callers' failed calls to user-service (a CANCELLED among them)")
                                .isZero();
                    } finally {
                        stack.restart(victim);
                    }
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    // --- recording -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface FaultBody {
        void run(Map<String, Object> measured) throws Exception;
    }

    @Test
    @Order(10)
    void aRollingDeployOfContentServiceUnderLoadLosesNoRequest() throws Exception {
        fault(
                "rolling deploy of content-service",
                String.format(
                        java.util.Locale.ROOT,
                        "%.0f req/s through the gateway on post routes, in %d s windows for as long as the deploy takes and one "
                                + "window more; %d s in, content-service is deployed anew: a new instance starts, passes its Consul "
                                + "checks, then the old one is drained (SIGTERM) and removed; no request fails and no caller's call to "
                                + "content-service fails",
                        settings.rate(),
                        settings.duration().toSeconds(),
                        settings.killAfter().toSeconds()),
                measured -> {
                    List<Account> users = signUps(LOAD_USERS, "deploy");
                    String postId = acknowledge(
                                    users.getFirst(),
                                    gateway.call(
                                            "POST",
                                            "/api/v1/posts",
                                            users.getFirst().accessToken(),
                                            Map.of("text", "read during a deploy")))
                            .body()
                            .path("id")
                            .asText();
                    List<ServiceInstance> before = stack.instances(CONTENT_SERVICE);
                    Map<String, List<URI>> callers = callersOf(CONTENT_SERVICE);
                    Map<String, Double> counters = callerCounters(callers, CONTENT_SERVICE);
                    AtomicLong deployTook = new AtomicLong();
                    AtomicLong oldRemovedAt = new AtomicLong();
                    List<ServiceInstance> deployed = new CopyOnWriteArrayList<>();
                    // The load runs, window after window, for as long as the deploy takes and one window more, so
                    // the old instance drains under load however long starting the new one takes on this machine.
                    List<FixedRateLoad.Outcome> outcomes = new ArrayList<>();
                    long loadStarted = System.nanoTime();
                    CompletableFuture<Void> deploy = CompletableFuture.runAsync(() -> {
                        sleep(settings.killAfter());
                        long started = System.nanoTime();
                        deployed.addAll(
                                stack.rollingDeploy(CONTENT_SERVICE, old -> oldRemovedAt.set(System.nanoTime())));
                        deployTook.set(System.nanoTime() - started);
                    });
                    do {
                        outcomes.addAll(FixedRateLoad.run(
                                contentServiceMix(users, postId), settings.rate(), settings.duration()));
                    } while (!deploy.isDone());
                    outcomes.addAll(
                            FixedRateLoad.run(contentServiceMix(users, postId), settings.rate(), settings.duration()));
                    long loadEnded = System.nanoTime();
                    deploy.join();
                    Map<String, Double> after = callerCounters(callers, CONTENT_SERVICE);
                    List<Sample> samples =
                            outcomes.stream().flatMap(o -> o.samples().stream()).toList();
                    long failed = samples.stream()
                            .filter(sample -> !sample.answered())
                            .count();
                    double failedCalls = after.get(CALLS) - counters.get(CALLS);
                    measured.put("requests", (long) samples.size());
                    measured.put("failed requests", failed);
                    measured.put(
                            "deploy started, s into the load",
                            settings.killAfter().toSeconds());
                    measured.put("deploy took, s", deployTook.get() / 1e9);
                    measured.put("old instance removed, s into the load", (oldRemovedAt.get() - loadStarted) / 1e9);
                    measured.put("load lasted, s", (loadEnded - loadStarted) / 1e9);
                    measured.put(
                            "instances before / after",
                            before.stream().map(ServiceInstance::alias).toList() + " / "
                                    + deployed.stream()
                                            .map(ServiceInstance::alias)
                                            .toList());
                    measured.put("callers' failed calls to content-service", failedCalls);

                    assertThat(deployTook.get()).as("the deploy finished").isPositive();
                    assertThat(oldRemovedAt.get())
                            .as("the old instance drained while the load ran")
                            .isLessThan(loadEnded);
                    assertThat(deployed).as("a new instance for each old one").hasSameSizeAs(before);
                    assertThat(stack.instances(CONTENT_SERVICE))
                            .as("only the new instances remain")
                            .containsExactlyElementsOf(deployed);
                    assertThat(passingTargets(CONTENT_SERVICE))
                            .as("Consul passes the new instances only")
                            .containsExactlyInAnyOrderElementsOf(deployed.stream()
                                    .map(ServiceInstance::target)
                                    .toList());
                    assertThat(failed).as("failed requests during the deploy").isZero();
                    assertThat(failedCalls)
                            .as("the callers' failed calls to content-service")
                            .isZero();
                    assertAcknowledgedWritesReadable(measured);
                });
    }

    @Test
    @Order(11)
    void aMailServerStoppedDuringARegistrationDelaysTheMailAndLosesNothing() throws Exception {
        fault(
                "mail server stopped during a registration",
                "the registration succeeds while the SMTP server is down; once it is back, the verification "
                        + "mail arrives (auth-service's mail outbox retries with back-off) and its token verifies",
                measured -> {
                    String email = "outage-" + UUID.randomUUID() + "@example.com";
                    String username = "mail_"
                            + UUID.randomUUID().toString().replace("-", "").substring(0, 20);
                    stack.stop(NovaStack.Platform.MAIL);
                    long stopped = System.nanoTime();
                    Answer registered;
                    try {
                        registered = gateway.call(
                                "POST",
                                "/api/v1/auth/register",
                                null,
                                Map.of(
                                        "email",
                                        email,
                                        "password",
                                        "correct horse battery staple",
                                        "username",
                                        username,
                                        "displayName",
                                        "Outage"));
                        // Long enough for the relay to try and fail at least once.
                        sleep(MAIL_DOWN_FOR);
                    } finally {
                        stack.startAgain(NovaStack.Platform.MAIL);
                    }
                    long back = System.nanoTime();
                    URI imap = stack.mailImapUri();
                    List<Mailbox.Mail> mails = await("the verification mail after the outage")
                            .atMost(MAIL_AFTER_OUTAGE)
                            .pollInterval(Duration.ofMillis(250))
                            .until(
                                    () -> Mailbox.withSubject(imap.getHost(), imap.getPort(), email, "Verify"),
                                    found -> !found.isEmpty());
                    long arrived = System.nanoTime();
                    measured.put("registration while the mail server was down", registered.status());
                    measured.put("mail server down, s", (back - stopped) / 1e9);
                    measured.put("mail arrived, s after the server was back", (arrived - back) / 1e9);
                    measured.put("mails received", mails.size());

                    assertThat(registered.status())
                            .as("registration: %s", registered)
                            .isEqualTo(201);
                    assertThat(mails).as("exactly one verification mail").hasSize(1);
                    java.util.regex.Matcher code = java.util.regex.Pattern.compile("this code in the app:\\s+(\\S+)")
                            .matcher(mails.getFirst().text());
                    assertThat(code.find()).as("a code in the mail").isTrue();
                    Answer verified =
                            gateway.call("POST", "/api/v1/auth/verify-email", null, Map.of("token", code.group(1)));
                    assertThat(verified.status())
                            .as("verify-email: %s", verified)
                            .isEqualTo(204);
                });
    }

    @Test
    @Order(12)
    void aFloodOfGoodAndBadRequestsIsShedNotFatalAndTheFleetServesNormallyRightAfter() throws Exception {
        fault(
                "flood",
                String.format(
                        java.util.Locale.ROOT,
                        "%d connections send as fast as they can for %d s: a valid "
                                + "token, a forged token, malformed JSON and no Host header; no container is OOM-killed or restarted, "
                                + "memory stays under the %d MiB limit, another client's requests succeed or get a 429/503 within %d ms, "
                                + "and within %d ms after the flood everything serves normally",
                        settings.floodConnections(),
                        settings.floodDuration().toSeconds(),
                        stack.serviceMemoryLimit() >> 20,
                        settings.floodFastRefusal().toMillis(),
                        settings.floodRecovery().toMillis()),
                measured -> {
                    Account user = gateway.signUp("flood");
                    URI edge = stack.gatewayUri().orElseThrow();
                    String host = edge.getHost() + ":" + edge.getPort();
                    List<byte[]> requests = List.of(
                            Flood.request("GET /api/v1/users/me HTTP/1.1\r\nHost: " + host
                                    + "\r\nAuthorization: Bearer " + user.accessToken() + "\r\n\r\n"),
                            Flood.request("GET /api/v1/users/me HTTP/1.1\r\nHost: " + host
                                    + "\r\nAuthorization: Bearer " + forged(user.accessToken()) + "\r\n\r\n"),
                            Flood.request("POST /api/v1/auth/login HTTP/1.1\r\nHost: " + host
                                    + "\r\nContent-Type: application/json\r\nContent-Length: 10\r\n\r\n{\"email\":["),
                            Flood.request("GET /api/v1/users/me HTTP/1.1\r\nAuthorization: Bearer " + user.accessToken()
                                    + "\r\n\r\n"));
                    List<ServiceInstance> instances = stack.instances();
                    Map<String, Long> peakMemory = new java.util.concurrent.ConcurrentHashMap<>();
                    List<Answer> probes = java.util.Collections.synchronizedList(new ArrayList<>());
                    java.util.concurrent.atomic.AtomicBoolean flooding =
                            new java.util.concurrent.atomic.AtomicBoolean(true);

                    Flood.Result flood;
                    try (var beside = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                        beside.execute(
                                () -> { // memory of every service container, sampled through the flood
                                    while (flooding.get()) {
                                        instances.forEach(instance -> peakMemory.merge(
                                                instance.containerName(), stack.memoryInUse(instance), Math::max));
                                    }
                                });
                        beside.execute(
                                () -> { // another client, as an app would call: 5 requests a second
                                    while (flooding.get()) {
                                        try {
                                            probes.add(gateway.get("/api/v1/users/me", user.accessToken()));
                                        } catch (Exception e) {
                                            probes.add(new Answer(
                                                    -1,
                                                    null,
                                                    null,
                                                    settings.requestTimeout().toMillis()));
                                        }
                                        sleep(Duration.ofMillis(200));
                                    }
                                });
                        flood = Flood.run(
                                edge.getHost(),
                                edge.getPort(),
                                settings.floodConnections(),
                                settings.floodDuration(),
                                requests);
                        flooding.set(false);
                    }
                    long floodEnded = System.nanoTime();
                    // Right after: the fleet serves normally again (each service through the gateway).
                    Answer me = gateway.get("/api/v1/users/me", user.accessToken());
                    String post = gateway.post(user, "after the flood");
                    Answer read = gateway.get("/api/v1/posts/" + post, user.accessToken());
                    double recoveredMillis = (System.nanoTime() - floodEnded) / 1e6;

                    measured.put("flood requests", flood.requests());
                    measured.put("flood requests/s", Math.round(flood.perSecond()));
                    measured.put("flood answers by status", flood.answers().toString());
                    measured.put("flood requests without an answer", flood.failedRequests());
                    peakMemory.forEach(
                            (container, bytes) -> measured.put("peak memory MiB, " + container, bytes >> 20));
                    Map<Integer, Long> probeStatuses = new java.util.TreeMap<>();
                    probes.forEach(p -> probeStatuses.merge(p.status(), 1L, Long::sum));
                    measured.put("other client's answers by status", probeStatuses.toString());
                    measured.put(
                            "other client's slowest 429/503, ms",
                            probes.stream()
                                    .filter(FaultsIT::refused)
                                    .mapToDouble(Answer::millis)
                                    .max()
                                    .orElse(0));
                    measured.put("served normally again, ms after the flood", recoveredMillis);

                    for (ServiceInstance instance : instances) {
                        NovaStack.ContainerState state = stack.state(instance);
                        assertThat(state.oomKilled())
                                .as("%s OOM-killed", instance.containerName())
                                .isFalse();
                        assertThat(state.running())
                                .as("%s running", instance.containerName())
                                .isTrue();
                        assertThat(state.restarts())
                                .as("%s restarted", instance.containerName())
                                .isZero();
                    }
                    assertThat(peakMemory)
                            .allSatisfy((container, bytes) -> assertThat(bytes)
                                    .as("memory of %s", container)
                                    .isLessThan(stack.serviceMemoryLimit()));
                    assertThat(probes)
                            .as("the other client's requests")
                            .isNotEmpty()
                            .allSatisfy(probe -> assertThat(probe.status() == 200
                                            || refused(probe)
                                                    && probe.millis()
                                                            < settings.floodFastRefusal()
                                                                    .toMillis())
                                    .as(
                                            "answer %d in %.0f ms: 200, or 429/503 within %s",
                                            probe.status(), probe.millis(), settings.floodFastRefusal())
                                    .isTrue());
                    assertThat(List.of(me.status(), read.status())).containsOnly(200);
                    assertThat(recoveredMillis)
                            .as("everything served normally again, ms after the flood")
                            .isLessThan(settings.floodRecovery().toMillis());
                });
    }

    private static JsonNode json(String line) {
        try {
            return GatewayApi.JSON.readTree(line);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean refused(Answer answer) {
        return answer.status() == 429 || answer.status() == 503;
    }

    /** The token with its payload replaced, so its signature no longer matches. */
    private static String forged(String token) {
        String[] parts = token.split("\\.");
        String payload = java.util.Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString("{\"sub\":\"00000000-0000-0000-0000-000000000000\",\"exp\":4102444800}".getBytes());
        return parts[0] + "." + payload + "." + parts[2];
    }

    /** Runs one fault test and saves its outcome for the report, passed or not. */
    private static void fault(String name, String expectation, FaultBody body) throws Exception {
        Map<String, Object> measured = new LinkedHashMap<>();
        String failure = null;
        try {
            body.run(measured);
        } catch (Exception | AssertionError e) {
            String message = e.getMessage() == null
                    ? e.toString()
                    : e.getMessage().strip().replaceAll("\\s+", " ");
            failure = message.length() <= DETAIL_LENGTH ? message : message.substring(0, DETAIL_LENGTH) + "...";
            throw e;
        } finally {
            ReportParts.saveFault(
                    RunReport.DIRECTORY,
                    RunReport.runId(stack),
                    new FaultOutcome(name, expectation, failure == null, measured, failure));
            RunReport.assemble(stack);
        }
    }

    @Test
    @Order(13)
    void killingOneOfTwoMessagingInstancesWhileMessagesFlowLosesNoAcknowledgedMessage() throws Exception {
        fault(
                "messaging-service instance killed while messages flow",
                "a sender sends " + MESSAGES
                        + " messages through the gateway, each retried with its idempotency key until "
                        + "acknowledged (201); docker kill of one of messaging-service's two instances after "
                        + MESSAGES_BEFORE_KILL + "; the receiver's " + RECEIVER_SOCKETS
                        + " WebSockets (their streams on "
                        + "both instances) each get every acknowledged message exactly once, in order",
                measured -> {
                    Account sender = gateway.signUp("talker");
                    Account receiver = gateway.signUp("listener");
                    String conversation = gateway.expect(
                                    201,
                                    "POST",
                                    "/api/v1/conversations",
                                    sender.accessToken(),
                                    Map.of("participantIds", List.of(receiver.userId())))
                            .get("id")
                            .asText();
                    String greeting = sendUntilAcknowledged(sender, conversation, "greeting", new AtomicLong());
                    // The gateway opens each socket's stream on the next instance (round robin): with
                    // four sockets, streams on both instances, one of which dies.
                    List<RealtimeSocket> sockets = new ArrayList<>();
                    for (int i = 0; i < RECEIVER_SOCKETS; i++) {
                        sockets.add(RealtimeSocket.open(gateway, receiver, greeting));
                    }
                    ServiceInstance victim = stack.instances(MESSAGING_SERVICE).getLast();
                    List<String> acknowledged = new ArrayList<>();
                    AtomicLong retried = new AtomicLong();
                    long killedAt = 0;
                    try {
                        for (int i = 0; i < MESSAGES; i++) {
                            if (i == MESSAGES_BEFORE_KILL) {
                                stack.kill(victim);
                                killedAt = System.nanoTime();
                            }
                            acknowledged.add(sendUntilAcknowledged(sender, conversation, "m" + i, retried));
                        }
                        long sentAllAfter = System.nanoTime() - killedAt;
                        for (RealtimeSocket socket : sockets) {
                            assertThat(socket.messageIds(acknowledged.size()))
                                    .as("one socket's messages")
                                    .containsExactlyElementsOf(acknowledged);
                        }
                        measured.put("messages acknowledged", (long) acknowledged.size());
                        measured.put("sends retried with their key", retried.get());
                        measured.put("last message acknowledged, s after the kill", sentAllAfter / 1e9);
                        measured.put("sockets that got every message once, in order", (long) sockets.size());
                        // Nothing came twice, even later: every socket still holds exactly those.
                        for (RealtimeSocket socket : sockets) {
                            assertThat(socket.messageIds()).containsExactlyElementsOf(acknowledged);
                            socket.close();
                        }
                    } finally {
                        stack.restart(victim);
                    }
                });
    }

    /**
     * Sends one message, again with the same idempotency key until the gateway acknowledges it
     * (201), as an app does: a send may fail while an instance dies, and must never go twice.
     */
    private static String sendUntilAcknowledged(Account sender, String conversation, String text, AtomicLong retried)
            throws Exception {
        String key = "fault-" + UUID.randomUUID();
        long deadline = System.nanoTime() + MESSAGE_ACK_WITHIN.toNanos();
        while (true) {
            Answer answer = gateway.call(
                    "POST",
                    "/api/v1/conversations/" + conversation + "/messages",
                    sender.accessToken(),
                    Map.of("text", text, "idempotencyKey", key));
            if (answer.status() == 201) {
                return answer.body().get("id").asText();
            }
            assertThat(System.nanoTime())
                    .as("%s acknowledged within %s (last answer %s)", text, MESSAGE_ACK_WITHIN, answer)
                    .isLessThan(deadline);
            retried.incrementAndGet();
            sleep(POLL);
        }
    }

    // --- writes ----------------------------------------------------------------------------------

    private static String acknowledgedPost(Account author, String text) throws Exception {
        String id = gateway.post(author, text);
        ACKNOWLEDGED.put(id, author);
        return id;
    }

    private static Answer acknowledge(Account author, Answer answer) {
        if (answer.status() == 201) {
            ACKNOWLEDGED.put(answer.body().get("id").asText(), author);
        }
        return answer;
    }

    /** Every post acknowledged so far in these tests reads back (200). */
    private static void assertAcknowledgedWritesReadable(Map<String, Object> measured) throws Exception {
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, Account> post : ACKNOWLEDGED.entrySet()) {
            Answer answer = gateway.get(
                    "/api/v1/posts/" + post.getKey(), post.getValue().accessToken());
            if (answer.status() != 200) {
                missing.add(post.getKey() + " (" + answer.status() + ")");
            }
        }
        measured.put("acknowledged writes checked", (long) ACKNOWLEDGED.size());
        measured.put("acknowledged writes lost", (long) missing.size());
        assertThat(missing).as("acknowledged posts that do not read back").isEmpty();
    }

    // --- load ------------------------------------------------------------------------------------

    /** Routes whose every request reaches user-service: from the gateway, and from content-service. */
    private static List<Operation> userServiceMix(List<Account> users) {
        AtomicInteger next = new AtomicInteger();
        java.util.function.Supplier<Account> user =
                () -> users.get(Math.floorMod(next.getAndIncrement(), users.size()));
        return List.of(
                new Operation(
                        "GET /api/v1/users/me",
                        () -> gateway.get("/api/v1/users/me", user.get().accessToken())
                                        .status()
                                == 200),
                new Operation(
                        "GET /api/v1/users/{id}",
                        () -> gateway.get(
                                                "/api/v1/users/" + user.get().userId(),
                                                user.get().accessToken())
                                        .status()
                                == 200),
                new Operation("POST /api/v1/posts", () -> {
                    Account author = user.get();
                    return acknowledge(
                                            author,
                                            gateway.call(
                                                    "POST",
                                                    "/api/v1/posts",
                                                    author.accessToken(),
                                                    Map.of("text", "under a kill")))
                                    .status()
                            == 201;
                }));
    }

    /** Post reads and writes: every route reaches content-service. */
    private static List<Operation> contentServiceMix(List<Account> users, String postId) {
        AtomicInteger next = new AtomicInteger();
        java.util.function.Supplier<Account> user =
                () -> users.get(Math.floorMod(next.getAndIncrement(), users.size()));
        return List.of(
                new Operation(
                        "GET /api/v1/posts/{id}",
                        () -> gateway.get("/api/v1/posts/" + postId, user.get().accessToken())
                                        .status()
                                == 200),
                new Operation("GET /api/v1/users/{id}/posts", () -> {
                    Account author = user.get();
                    return gateway.get("/api/v1/users/" + author.userId() + "/posts", author.accessToken())
                                    .status()
                            == 200;
                }),
                new Operation("POST /api/v1/posts", () -> {
                    Account author = user.get();
                    return acknowledge(
                                            author,
                                            gateway.call(
                                                    "POST",
                                                    "/api/v1/posts",
                                                    author.accessToken(),
                                                    Map.of("text", "during a deploy")))
                                    .status()
                            == 201;
                }));
    }

    private static List<Account> signUps(int count, String prefix) throws Exception {
        List<Account> accounts = new CopyOnWriteArrayList<>();
        for (int i = 0; i < count; i++) {
            accounts.add(gateway.signUp(prefix));
        }
        return List.copyOf(accounts);
    }

    // --- what the fleet says about itself --------------------------------------------------------

    /** The {@code /observe/rpc-latency} endpoints of the services that call {@code target} (the fleet's graph). */
    private static Map<String, List<URI>> callersOf(String target) {
        Map<String, List<URI>> callers = new LinkedHashMap<>(stack.rpcLatencyEndpoints());
        callers.keySet()
                .retainAll(stack.fleet().services().stream()
                        .filter(service -> service.dependsOn().contains(target))
                        .map(ServiceSpec::name)
                        .toList());
        return callers;
    }

    /** The callers' retries and failed calls to {@code target}, summed over methods and instances. */
    private static Map<String, Double> callerCounters(Map<String, List<URI>> callers, String target) {
        double retries = 0;
        double failedCalls = 0;
        for (Map.Entry<RpcEdgeLatencies.Edge, RpcEdgeLatencies.Totals> edge : RpcEdgeLatencies.scrape(
                        callers, http, settings.requestTimeout())
                .entrySet()) {
            if (target.equals(edge.getKey().to())) {
                retries += edge.getValue().retries();
                failedCalls += edge.getValue().failed();
            }
        }
        return Map.of(RETRIES, retries, CALLS, failedCalls);
    }

    /** The gateway's circuit breaker for a service, as its {@code /health} shows it. */
    private static String breakerState(String service) throws Exception {
        JsonNode health = gateway.get("/health", null).body();
        for (JsonNode entry : health.path("services")) {
            if (service.equals(entry.path("name").asText())) {
                return entry.path("circuitBreaker").asText();
            }
        }
        return "unknown";
    }

    private static List<String> passingTargets(String service) {
        return stack.consul().passingInstances(service).stream()
                .map(ConsulHealth.Instance::target)
                .toList();
    }

    private static int registeredInstances() {
        return stack.fleet().services().stream()
                .mapToInt(s -> stack.consul().instances(s.name()).size())
                .sum();
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String format(double millis) {
        return String.format(java.util.Locale.ROOT, "%.1f", millis);
    }
}
