package social.nova.harness.latency;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JitActivityTest {
    @Test
    void sumsEveryCompilerSampleOfTheCounter() {
        String text = """
                # HELP jvm_compilation_time_ms_total The approximate accumulated elapsed time spent in compilation
                # TYPE jvm_compilation_time_ms_total counter
                jvm_compilation_time_ms_total{compiler="HotSpot 64-Bit Tiered Compilers",scope="base"} 5123.0
                jvm_compilation_time_ms_total{compiler="other"} 7
                jvm_compilation_time_ms_totally_other 100
                jvm_threads_live_threads 41.0
                """;
        assertThat(JitActivity.parse(text, "user-service")).isEqualTo(5130.0);
    }

    @Test
    void aServiceWithoutTheCounterIsAnErrorNotAFinishedWarmUp() {
        assertThatThrownBy(() ->
                        JitActivity.parse("jvm_threads_live_threads 41.0\n", "http://user-service-1/observe/metrics"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("http://user-service-1/observe/metrics has no jvm_compilation_time_ms_total");
    }

    @Test
    void theLoadGeneratorCountsItsOwnCompilation() {
        assertThat(JitActivity.ownMillis()).isPositive();
    }
}
