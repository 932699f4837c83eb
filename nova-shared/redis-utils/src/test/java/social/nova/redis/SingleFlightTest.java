package social.nova.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SingleFlightTest {
    private final SingleFlight singleFlight = new SingleFlight();

    @Test
    void concurrentCallersForOneKeyShareOneExecution() throws Exception {
        AtomicInteger executions = new AtomicInteger();
        CountDownLatch release = new CountDownLatch(1);
        Set<Thread> callers = ConcurrentHashMap.newKeySet();
        List<Future<String>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(8)) {
            for (int i = 0; i < 8; i++) {
                results.add(pool.submit(() -> {
                    callers.add(Thread.currentThread());
                    return singleFlight.run("k", () -> {
                        executions.incrementAndGet();
                        await(release);
                        return "value";
                    });
                }));
            }
            // Release the leader only once every caller is parked: the leader on the latch, the rest on its result.
            Awaitility.await()
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> callers.size() == 8
                            && callers.stream()
                                    .allMatch(t -> t.getState() == Thread.State.WAITING
                                            || t.getState() == Thread.State.TIMED_WAITING));
            release.countDown();
            for (Future<String> result : results) {
                assertThat(result.get(5, TimeUnit.SECONDS)).isEqualTo("value");
            }
        }
        assertThat(executions).hasValue(1);
        assertThat(singleFlight.inFlightCount()).isZero();
    }

    @Test
    void theLeadersExceptionReachesItAndLaterCallsRunAgain() {
        assertThatThrownBy(() -> singleFlight.run("k", () -> {
                    throw new IllegalStateException("database down");
                }))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("database down");

        assertThat(singleFlight.run("k", () -> "recovered")).isEqualTo("recovered");
        assertThat(singleFlight.inFlightCount()).isZero();
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
