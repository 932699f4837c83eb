package social.nova.harness.latency;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SteadyStateTest {
    private static SteadyState.Window window(double p50) {
        return new SteadyState.Window(p50, 300, 0, 20);
    }

    @Test
    void oneWindowIsNeverSteadyHoweverGoodItLooks() {
        assertThat(SteadyState.reached(List.of(window(2.0)), 0.25, 2)).isFalse();
        assertThat(SteadyState.reached(List.of(), 0.25, 2)).isFalse();
    }

    @Test
    void twoWindowsInARowWithinTheToleranceAreSteady() {
        assertThat(SteadyState.reached(List.of(window(40.0), window(9.0), window(8.0)), 0.25, 2))
                .isTrue();
        assertThat(SteadyState.reached(List.of(window(40.0), window(9.0)), 0.25, 2))
                .as("still falling")
                .isFalse();
    }

    @Test
    void aWarmUpShorterThanItsMinimumIsNeverSteady() {
        List<SteadyState.Window> flat = List.of(window(8.0), window(8.0), window(8.0));
        assertThat(SteadyState.reached(flat, 0.1, 4)).isFalse();
        assertThat(SteadyState.reached(List.of(window(8.0), window(8.0), window(8.0), window(8.0)), 0.1, 4))
                .isTrue();
    }

    @Test
    void subMillisecondDifferencesAreSteadyWhateverTheirRatio() {
        assertThat(SteadyState.reached(List.of(window(1.0), window(1.4)), 0.25, 2))
                .isTrue();
        assertThat(SteadyState.reached(List.of(window(1.0), window(1.6)), 0.25, 2))
                .isFalse();
    }

    @Test
    void aWindowWithFailuresOrNoRequestsIsNotSteady() {
        assertThat(SteadyState.reached(List.of(window(5.0), new SteadyState.Window(5.0, 300, 1, 20)), 0.25, 2))
                .isFalse();
        assertThat(SteadyState.reached(List.of(window(5.0), new SteadyState.Window(0, 0, 0, 20)), 0.25, 2))
                .isFalse();
    }
}
