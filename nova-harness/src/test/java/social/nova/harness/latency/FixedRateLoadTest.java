package social.nova.harness.latency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FixedRateLoadTest {
    private static final double RATE = 50;
    private static final Duration ONE_SECOND = Duration.ofSeconds(1);

    @Test
    void sendsExactlyTheBoundedCountRoundRobinAndRecordsEveryRequest() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        AtomicInteger beside = new AtomicInteger();

        List<FixedRateLoad.Outcome> outcomes = FixedRateLoad.run(
                List.of(
                        new FixedRateLoad.Operation("a", () -> a.incrementAndGet() > 0),
                        new FixedRateLoad.Operation("b", () -> b.incrementAndGet() > 0)),
                RATE,
                ONE_SECOND,
                beside::incrementAndGet);

        assertThat(a.get()).isEqualTo(25);
        assertThat(b.get()).isEqualTo(25);
        assertThat(outcomes).extracting(FixedRateLoad.Outcome::operation).containsExactly("a", "b");
        assertThat(outcomes).allSatisfy(outcome -> {
            assertThat(outcome.latency().count()).isEqualTo(25);
            assertThat(outcome.samples()).hasSize(25);
            assertThat(outcome.histogram().total()).isEqualTo(25);
        });
        assertThat(beside).hasValue(1);
    }

    @Test
    void requestsStartOnScheduleWhileEarlierOnesAreUnansweredAndFailuresAreCounted() {
        // Every "held" request waits until all of the run's requests have started: a load that waited
        // for answers before sending more would never start them, and each held request would fail.
        int total = (int) (RATE * ONE_SECOND.toSeconds());
        CountDownLatch allStarted = new CountDownLatch(total);

        List<FixedRateLoad.Outcome> outcomes = FixedRateLoad.run(
                List.of(
                        new FixedRateLoad.Operation("held", () -> {
                            allStarted.countDown();
                            return allStarted.await(30, TimeUnit.SECONDS);
                        }),
                        new FixedRateLoad.Operation("broken", () -> {
                            allStarted.countDown();
                            throw new IllegalStateException("no answer");
                        })),
                RATE,
                ONE_SECOND);

        assertThat(outcomes.get(0).errors())
                .as("held requests answered once every request had started")
                .isZero();
        assertThat(outcomes.get(0).latency().count()).isEqualTo(25);
        assertThat(outcomes.get(1).errors())
                .isEqualTo(outcomes.get(1).latency().count())
                .isEqualTo(25);
    }
}
