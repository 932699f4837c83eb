package social.nova.kit;

import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.kit.KitFixture.call;
import static social.nova.kit.KitFixture.failure;

/** {@code /observe/metrics} counts every inbound call by method and the status code the caller got. */
class MetricsIT {
    private static final String CALLS = "nova_grpc_server_calls_seconds_count";
    private static final Pattern SAMPLE = Pattern.compile("^" + CALLS + "\\{([^}]*)} (\\S+)$", Pattern.MULTILINE);

    private final KitFixture service = KitFixture.shared();

    @Test
    void callsAreCountedByMethodAndStatusCodeIncludingFailures() {
        String before = metrics();

        call(service.channel, ProbeService.INSPECT, CallOptions.DEFAULT, "");
        call(service.channel, ProbeService.INSPECT, CallOptions.DEFAULT, "");
        failure(service.channel, ProbeService.REJECT);
        failure(service.channel, ProbeService.CRASH);
        failure(service.withHeaders("authorization", "Bearer forged"), ProbeService.INSPECT);

        String after = metrics();
        assertThat(count(after, ProbeService.INSPECT, "OK") - count(before, ProbeService.INSPECT, "OK"))
                .isEqualTo(2);
        assertThat(count(after, ProbeService.REJECT, "INVALID_ARGUMENT")
                        - count(before, ProbeService.REJECT, "INVALID_ARGUMENT"))
                .isEqualTo(1);
        // The status after error mapping, not the UNKNOWN grpc-java would have sent.
        assertThat(count(after, ProbeService.CRASH, "INTERNAL") - count(before, ProbeService.CRASH, "INTERNAL"))
                .isEqualTo(1);
        assertThat(count(after, ProbeService.CRASH, "UNKNOWN")).isZero();
        // Refused before any handler ran, and counted all the same.
        assertThat(count(after, ProbeService.INSPECT, "UNAUTHENTICATED")
                        - count(before, ProbeService.INSPECT, "UNAUTHENTICATED"))
                .isEqualTo(1);
        assertThat(after).contains("nova_grpc_server_in_flight");
    }

    private String metrics() {
        HttpResponse<String> response = service.http("/observe/metrics", "text/plain");
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The count of calls to {@code method} that ended with {@code code}; 0 when there is no such sample yet. */
    private static double count(String metrics, MethodDescriptor<?, ?> method, String code) {
        Matcher sample = SAMPLE.matcher(metrics);
        double total = 0;
        while (sample.find()) {
            String labels = sample.group(1);
            if (labels.contains("method=\"" + method.getFullMethodName() + "\"")
                    && labels.contains("code=\"" + code + "\"")) {
                total += Double.parseDouble(sample.group(2));
            }
        }
        return total;
    }
}
