package social.nova.harness.latency;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusTextTest {
    @Test
    void readsSamplesWithAndWithoutLabelsSkippingComments() {
        List<PrometheusText.Sample> samples = PrometheusText.parse("""
                # HELP nova_rpc_client_calls_seconds gRPC client calls
                # TYPE nova_rpc_client_calls_seconds summary
                nova_rpc_client_calls_seconds_count{method="nova.user.v1.UserService/GetUser",status="OK",target="user-service",} 34.0
                process_uptime_seconds 12.5

                nova_rpc_client_calls_seconds_bucket{le="+Inf",target="a"} 3 1700000000000
                odd{path="say \\"hi\\", then \\\\ go"} 1
                """);

        assertThat(samples).containsExactly(
                new PrometheusText.Sample("nova_rpc_client_calls_seconds_count",
                        Map.of("method", "nova.user.v1.UserService/GetUser", "status", "OK", "target", "user-service"), 34.0),
                new PrometheusText.Sample("process_uptime_seconds", Map.of(), 12.5),
                new PrometheusText.Sample("nova_rpc_client_calls_seconds_bucket", Map.of("le", "+Inf", "target", "a"), 3.0),
                new PrometheusText.Sample("odd", Map.of("path", "say \"hi\", then \\ go"), 1.0));
    }

    @Test
    void aLineWithoutANumberIsRejected() {
        assertThatThrownBy(() -> PrometheusText.parse("metric{a=\"b\"} lots"))
                .hasMessageContaining("not a Prometheus sample");
    }
}
