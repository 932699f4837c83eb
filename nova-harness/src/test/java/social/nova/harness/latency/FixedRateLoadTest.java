package social.nova.harness.latency;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FixedRateLoadTest {
    private static final LatencySettings ONE_SECOND_AT_50 = new LatencySettings(50, Duration.ofMillis(200),
            Duration.ofMillis(800), Duration.ofSeconds(1), Duration.ofMillis(500), Duration.ofMillis(50));

    @Test
    void sendsExactlyTheBoundedCountRoundRobinAndCountsOnlyAfterTheWarmUp() {
        AtomicInteger a = new AtomicInteger();
        AtomicInteger b = new AtomicInteger();
        AtomicInteger measureStarts = new AtomicInteger();

        List<FixedRateLoad.Outcome> outcomes = FixedRateLoad.run(List.of(
                new FixedRateLoad.Operation("a", () -> a.incrementAndGet() > 0),
                new FixedRateLoad.Operation("b", () -> b.incrementAndGet() > 0)), ONE_SECOND_AT_50, measureStarts::incrementAndGet);

        assertThat(ONE_SECOND_AT_50.totalRequests()).isEqualTo(50);
        assertThat(a.get()).isEqualTo(25);
        assertThat(b.get()).isEqualTo(25);
        assertThat(outcomes).extracting(FixedRateLoad.Outcome::operation).containsExactly("a", "b");
        assertThat(outcomes.stream().mapToLong(o -> o.latency().count()).sum()).as("the 10 warm-up requests are not counted")
                .isEqualTo(40);
        assertThat(measureStarts).hasValue(1);
    }

    @Test
    void aSlowAnswerDoesNotDelayTheScheduleAndFailuresAreCounted() {
        long started = System.nanoTime();

        List<FixedRateLoad.Outcome> outcomes = FixedRateLoad.run(List.of(
                new FixedRateLoad.Operation("slow", () -> {
                    Thread.sleep(300);
                    return true;
                }),
                new FixedRateLoad.Operation("broken", () -> {
                    throw new IllegalStateException("no answer");
                })), ONE_SECOND_AT_50);

        // Sequential calls would take 25 x 300 ms; open-loop, the run lasts about its 1 s schedule.
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
        assertThat(outcomes.get(0).latency().p50()).isCloseTo(300, within(150.0));
        assertThat(outcomes.get(0).errors()).isZero();
        assertThat(outcomes.get(1).errors()).isEqualTo(outcomes.get(1).latency().count()).isEqualTo(20);
    }
}
