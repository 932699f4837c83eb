package social.nova.harness.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;

import static org.assertj.core.api.Assertions.assertThat;

class NovaReportTest {
    @TempDir
    Path directory;

    @Test
    void writesJsonForToolsAndEscapedHtmlForPeople() throws Exception {
        List<EdgeLatency> edges = List.of(
                new EdgeLatency("load", "api-gateway", "GET /api/v1/users/<id>", "http", 27, 0, 18.2, 25.0, 30.6, 30.6, 19.0,
                        EdgeLatency.MEASURED),
                new EdgeLatency("api-gateway", "user-service", "nova.user.v1.UserService/GetUser", "grpc", 34, 0, null, null,
                        null, 917.9, 10.4, "caller's metrics"));
        NovaReport.Report report = new NovaReport.Report("2026-11-26T15:00:00Z", "c957265e11cd", List.of(),
                new NovaReport.Load(8, 5, 20, 200, List.of("GET /api/v1/users/<id>")), edges,
                ExitCriterion.judge(edges, Duration.ofMillis(500)));

        Path html = NovaReport.write(directory, report);

        JsonNode json = new ObjectMapper().readTree(directory.resolve("report.json").toFile());
        assertThat(json.at("/exitCriterion/met").asBoolean()).isTrue();
        assertThat(json.at("/edges/1/p99").isNull()).isTrue();
        assertThat(json.at("/edges/1/mean").asDouble()).isEqualTo(10.4);
        assertThat(json.at("/load/ratePerSecond").asDouble()).isEqualTo(8.0);
        String page = Files.readString(html);
        assertThat(page).contains("Met: gRPC calls across services under 500 ms")
                .contains("GET /api/v1/users/&lt;id&gt;").doesNotContain("users/<id>")
                .contains("c957265e11cd").contains("&ndash;");
    }
}
