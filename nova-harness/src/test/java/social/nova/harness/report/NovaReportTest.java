package social.nova.harness.report;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.harness.faults.FaultOutcome;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;
import social.nova.harness.latency.LatencyHistogram;
import social.nova.harness.latency.LatencySummary;

import static org.assertj.core.api.Assertions.assertThat;

class NovaReportTest {
    private static final String RUN = "nova-it-abc123";

    @TempDir
    Path directory;

    @TempDir
    Path root;

    @Test
    void assemblesTheRunsPartsIntoJsonForToolsAndAnEscapedSelfContainedPageForPeople() throws Exception {
        List<EdgeLatency> edges = List.of(
                new EdgeLatency(
                        "load",
                        "api-gateway",
                        "GET /api/v1/users/<id>",
                        "http",
                        27,
                        0,
                        18.2,
                        25.0,
                        30.6,
                        30.6,
                        19.0,
                        EdgeLatency.MEASURED,
                        histogram(3_000, 18_000, 30_000),
                        0,
                        null,
                        null),
                new EdgeLatency(
                        "api-gateway",
                        "user-service",
                        "nova.user.v1.UserService/GetUser",
                        "grpc",
                        1_034,
                        0,
                        4.0,
                        9.0,
                        12.0,
                        14.0,
                        5.4,
                        "caller's record",
                        histogram(4_000, 12_000),
                        2,
                        8.5,
                        11.5),
                new EdgeLatency(
                        "content-service",
                        "user-service",
                        "nova.user.v1.UserService/GetUser",
                        "grpc",
                        3,
                        0,
                        null,
                        null,
                        null,
                        null,
                        7.0,
                        "caller's record",
                        null,
                        0,
                        null,
                        null));
        saveLatency(edges);
        ReportParts.saveFault(
                directory,
                "nova-it-earlier",
                new FaultOutcome("left over", "from an earlier run", false, Map.of(), "must not appear"));
        ReportParts.saveFault(
                directory,
                RUN,
                new FaultOutcome("redis paused", "requests succeed", true, Map.of("requests", 40, "errors", 0), ""));
        ReportParts.saveFault(
                directory,
                RUN,
                new FaultOutcome(
                        "consul restarted", "services register again", true, Map.of("re-registered in s", 7.9), ""));
        ReportParts.saveContracts(
                directory,
                new ReportParts.ContractRun(
                        RUN,
                        List.of(new ReportParts.ContractOutcome(
                                "timeline-sample",
                                "content-service",
                                "contracts/downstream-sample/target/nova-contracts/x.json",
                                List.of(
                                        new ReportParts.InteractionOutcome(
                                                "reads a post",
                                                "nova.content.v1.ContentService/GetPost",
                                                true,
                                                List.of()),
                                        new ReportParts.InteractionOutcome(
                                                "a missing post <is> NOT_FOUND",
                                                "nova.content.v1.ContentService/GetPost",
                                                false,
                                                List.of("expected status NOT_FOUND, got OK")))))));

        Instant now = Instant.parse("2026-12-02T05:00:00Z");
        ReportParts.saveCi(
                directory,
                new ReportParts.CiRun(
                        "test-run-1",
                        now.getEpochSecond() - 900,
                        150,
                        List.of(new ReportParts.Pipeline(
                                "auth-service",
                                60,
                                Map.of("quality", 22L, "build", 5L, "unit", 4L, "integration", 29L),
                                30))));

        NovaReport.Report report =
                NovaReport.assemble(directory, root, RUN, "c957265e11cd", Optional.of("test-run-1"), now);

        JsonNode json =
                new ObjectMapper().readTree(directory.resolve("report.json").toFile());
        assertThat(json.at("/verdict/decision").asText()).isEqualTo("GO");
        assertThat(json.at("/exitCriterion/met").asBoolean()).isTrue();
        assertThat(json.at("/budget/thresholdMillis").asDouble()).isEqualTo(50.0);
        assertThat(json.at("/edges/1/p99").asDouble()).isEqualTo(12.0);
        assertThat(json.at("/edges/2/p99").isNull()).isTrue();
        assertThat(json.at("/edges/0/histogram/counts/2").asLong())
                .as("3 ms falls in the <= 5 ms bin")
                .isEqualTo(1);
        assertThat(json.at("/load/ratePerSecond").asDouble()).isEqualTo(8.0);
        assertThat(json.at("/faults").size()).isEqualTo(2);
        assertThat(report.faults()).extracting(FaultOutcome::name).containsExactly("redis paused", "consul restarted");
        assertThat(json.at("/contracts/0/consumer").asText()).isEqualTo("timeline-sample");
        assertThat(json.at("/ci/monorepoSeconds").asLong())
                .as("./nova test so far")
                .isEqualTo(900);
        assertThat(json.at("/ci/run/pipelines/0/seconds").asLong()).isEqualTo(60);
        assertThat(json.at("/contracts/0/interactions/1/problems/0").asText())
                .isEqualTo("expected status NOT_FOUND, got OK");

        String page = Files.readString(directory.resolve("index.html"));
        assertThat(page)
                .contains("<span id=\"verdict\" class=\"go\">GO</span>")
                .contains("GET /api/v1/users/&lt;id&gt;")
                .doesNotContain("users/<id>")
                .contains("c957265e11cd")
                .contains("the disk took up to 640 ms to sync 8 KiB (p99 3 ms")
                .contains("&ndash;")
                .contains("consul restarted")
                .contains("re-registered in s: 7.9")
                .doesNotContain("left over")
                .contains("timeline-sample &rarr; content-service")
                .contains("a missing post &lt;is&gt; NOT_FOUND")
                .contains("expected status NOT_FOUND, got OK")
                .contains(">broken<")
                .contains("<table id=\"ci\">")
                .contains("auth-service</td><td class=\"n ok\">60</td>")
                .contains("&ge; 900")
                .doesNotContain("http://", "https://", "<script");
        assertThat(page.split("<svg class=\"histogram\"", -1))
                .as("one chart per edge with a histogram")
                .hasSize(3);
    }

    @Test
    void aSlowEdgeOrAFailedFaultOrAnythingNotMeasuredIsNoGo() throws Exception {
        List<EdgeLatency> slow = List.of(new EdgeLatency(
                "api-gateway",
                "user-service",
                "GetUser",
                "grpc",
                1_000,
                0,
                40.0,
                60.0,
                70.0,
                90.0,
                45.0,
                "caller's record",
                null,
                0,
                55.0,
                65.0));
        saveLatency(slow);

        Instant now = Instant.parse("2026-12-02T05:00:00Z");
        ReportParts.saveCi(
                directory,
                new ReportParts.CiRun(
                        "test-run-2",
                        now.getEpochSecond() - 120,
                        150,
                        List.of(new ReportParts.Pipeline("feed-service", 130, Map.of("integration", 100L), 100))));
        NovaReport.Report noFaults =
                NovaReport.assemble(directory, root, RUN, "c0ffee", Optional.of("test-run-2"), now);

        assertThat(noFaults.verdict().go()).isFalse();
        assertThat(noFaults.verdict().checks())
                .extracting(Verdict.Check::name, Verdict.Check::met)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("Plan exit criterion", true),
                        org.assertj.core.groups.Tuple.tuple("Latency budget", false),
                        org.assertj.core.groups.Tuple.tuple("Faults", false),
                        org.assertj.core.groups.Tuple.tuple("CI", false));
        assertThat(noFaults.verdict().checks().get(2).failures()).containsExactly("no fault test ran in this run");
        assertThat(noFaults.verdict().checks().get(3).failures())
                .containsExactly("feed-service's pipeline took 130 s, the monorepo's ./nova test 120 s");
        assertThat(NovaReport.assemble(directory, root, RUN, "c0ffee", Optional.of("another-run"), now)
                        .verdict()
                        .checks()
                        .get(3)
                        .failures())
                .as("CI figures of another ./nova test run do not count")
                .containsExactly("no service pipeline was measured in this ./nova test run");

        NovaReport.Report nothing = NovaReport.assemble(directory, root, "nova-it-other", "c0ffee");
        assertThat(nothing.verdict().checks()).noneMatch(Verdict.Check::met);
        assertThat(Files.readString(directory.resolve("index.html")))
                .contains("<span id=\"verdict\" class=\"no-go\">NO-GO</span>")
                .contains("No latency run in this report.");
    }

    @Test
    void listsEachModulesTestTimesFromItsSurefireAndFailsafeReports() throws Exception {
        suite(root.resolve("nova-shared/rpc/target/surefire-reports"), "TEST-a.xml", 3, "1.5", 0);
        suite(root.resolve("nova-shared/rpc/target/surefire-reports"), "TEST-b.xml", 2, "0.25", 0);
        suite(root.resolve("nova-shared/rpc/target/failsafe-reports"), "TEST-c.xml", 4, "20.0", 1);
        suite(root.resolve("contracts/target/surefire-reports"), "TEST-d.xml", 1, "1,234.5", 0);
        Files.createDirectories(root.resolve("nova-shared/empty"));
        Files.writeString(root.resolve("nova-shared/empty/pom.xml"), "<project/>");

        List<ModuleTimings.ModuleTiming> modules = ModuleTimings.read(root);

        assertThat(modules)
                .extracting(ModuleTimings.ModuleTiming::module)
                .containsExactly("contracts", "nova-shared/rpc");
        ModuleTimings.ModuleTiming rpc = modules.get(1);
        assertThat(rpc.unitTests()).isEqualTo(5);
        assertThat(rpc.unitSeconds()).isEqualTo(1.8);
        assertThat(rpc.integrationTests()).isEqualTo(4);
        assertThat(rpc.integrationSeconds()).isEqualTo(20.0);
        assertThat(rpc.failures()).isEqualTo(1);
        assertThat(modules.getFirst().unitSeconds()).isEqualTo(1234.5);
    }

    private void saveLatency(List<EdgeLatency> edges) {
        ReportParts.saveLatency(
                directory,
                new ReportParts.LatencyRun(
                        RUN,
                        "2026-11-26T15:00:00Z",
                        "c957265e11cd",
                        List.of(),
                        new ReportParts.Load(
                                8,
                                10,
                                List.of(9.0, 4.2),
                                List.of(800.0, 40.0),
                                true,
                                0.12,
                                new LatencySummary(6_000, 0.6, 1.4, 3.0, 640.0, 0.8),
                                20,
                                200,
                                List.of("GET /api/v1/users/<id>")),
                        edges,
                        ExitCriterion.judge(edges, Duration.ofMillis(500)),
                        ExitCriterion.budget(edges, Duration.ofMillis(50), true)));
    }

    /** A histogram of the given latencies in microseconds. */
    private static LatencyHistogram histogram(long... micros) {
        org.HdrHistogram.Histogram histogram = new org.HdrHistogram.Histogram(3);
        for (long value : micros) {
            histogram.recordValue(value);
        }
        return LatencyHistogram.ofMicros(histogram);
    }

    private void suite(Path reports, String file, int tests, String time, int failures) throws Exception {
        Files.createDirectories(reports);
        Path module = reports.getParent().getParent();
        Files.writeString(module.resolve("pom.xml"), "<project/>");
        Files.writeString(reports.resolve(file), """
                <?xml version="1.0" encoding="UTF-8"?>
                <testsuite name="x" time="%s" tests="%d" errors="0" skipped="0" failures="%d">
                  <testcase name="t" time="0.1"/>
                </testsuite>
                """.formatted(time, tests, failures));
    }
}
