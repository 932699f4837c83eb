package social.nova.harness;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.report.NovaReport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Runs last: puts the run's report together (latency, faults, every module's test times) and opens
 * {@code index.html} in headless Chromium, as a person would, checking that the rendered page shows
 * the verdict of {@code report.json} and one histogram chart per edge. Chromium comes from the
 * machine ({@code ./nova doctor} installs Debian's {@code chromium}); without it this test fails
 * saying so.
 */
@ExtendWith(NovaStackExtension.class)
@Order(7)
class ReportIT {
    private static final List<String> CHROMIUM =
            List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable");
    private static final Duration CHROMIUM_TIMEOUT = Duration.ofSeconds(90);
    private static final Pattern VERDICT = Pattern.compile("<span id=\"verdict\" class=\"([a-z-]+)\">([A-Z-]+)</span>");
    private static final Pattern CHART = Pattern.compile("<svg class=\"histogram\"[^>]*>(.*?)</svg>", Pattern.DOTALL);
    /** The screenshot shows the verdict's badge in one of these colours (#2e7d32 GO, #c62828 NO-GO). */
    private static final int GO_RGB = 0x2e7d32;

    private static final int NO_GO_RGB = 0xc62828;
    private static final int COLOUR_TOLERANCE = 6;

    @Test
    void theReportRendersInABrowserWithItsVerdictAndAChartPerEdge(NovaStack stack) throws Exception {
        NovaReport.Report report = RunReport.assemble(stack);
        Path html = RunReport.DIRECTORY.resolve("index.html").toAbsolutePath();
        JsonNode json = GatewayApi.JSON.readTree(
                RunReport.DIRECTORY.resolve("report.json").toFile());
        assertThat(json.at("/verdict/decision").asText())
                .isEqualTo(report.verdict().decision());
        assertThat(json.at("/runId").asText()).isEqualTo(RunReport.runId(stack));
        assertThat(json.at("/modules").size()).as("modules with test reports").isPositive();

        Path browser = chromium();
        Path profile = Files.createTempDirectory("nova-report-chromium");
        try {
            String dom = run(browser, profile, "--dump-dom", html.toUri().toString());

            Matcher verdict = VERDICT.matcher(dom);
            assertThat(verdict.find()).as("the rendered page shows the verdict").isTrue();
            assertThat(verdict.group(2)).isEqualTo(report.verdict().decision());
            assertThat(verdict.group(1)).isEqualTo(report.verdict().go() ? "go" : "no-go");
            long edgesWithHistograms = report.edges().stream()
                    .map(EdgeLatency::histogram)
                    .filter(h -> h != null)
                    .count();
            List<String> charts = new ArrayList<>();
            Matcher chart = CHART.matcher(dom);
            while (chart.find()) {
                charts.add(chart.group(1));
            }
            assertThat(edgesWithHistograms)
                    .as("edges with a histogram in this run")
                    .isPositive();
            assertThat(charts)
                    .as("one SVG chart per edge with a histogram")
                    .hasSize((int) edgesWithHistograms)
                    .allSatisfy(svg -> assertThat(svg).contains("<rect class=\"bar\""));
            assertThat(dom).contains("id=\"faults\"").contains("id=\"modules\"").contains("id=\"edges\"");

            Path screenshot = RunReport.DIRECTORY.resolve("index.png").toAbsolutePath();
            Files.deleteIfExists(screenshot);
            run(
                    browser,
                    profile,
                    "--screenshot=" + screenshot,
                    "--window-size=1280,900",
                    "--hide-scrollbars",
                    html.toUri().toString());
            BufferedImage image = ImageIO.read(screenshot.toFile());
            assertThat(image).as("screenshot of the page").isNotNull();
            int badge = report.verdict().go() ? GO_RGB : NO_GO_RGB;
            assertThat(colours(image))
                    .as("the verdict's badge is painted (#%06x)", badge)
                    .anyMatch(rgb -> near(rgb, badge));
        } finally {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(java.util.Comparator.reverseOrder())
                        .map(Path::toFile)
                        .forEach(File::delete);
            }
        }
    }

    /** Headless Chromium with the flags a container needs; returns what it printed. */
    private static String run(Path browser, Path profile, String... arguments)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                browser.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile));
        command.addAll(List.of(arguments));
        Path output = Files.createTempFile("nova-report-chromium", ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(false)
                    .redirectOutput(output.toFile())
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!process.waitFor(CHROMIUM_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                fail("Chromium did not finish within " + CHROMIUM_TIMEOUT + ": " + String.join(" ", command));
            }
            assertThat(process.exitValue())
                    .as("exit code of %s", String.join(" ", command))
                    .isZero();
            return Files.readString(output, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static Path chromium() {
        Optional<Path> found = Stream.of(
                        System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .flatMap(dir -> CHROMIUM.stream().map(name -> Path.of(dir, name)))
                .filter(Files::isExecutable)
                .findFirst();
        if (found.isEmpty()) {
            fail(
                    "Headless Chromium is needed to check the report page and none is installed (looked for " + CHROMIUM
                            + " on PATH). Run ./nova doctor, which installs Debian's chromium, or: apt-get install -y chromium");
        }
        return found.get();
    }

    /** Within a few steps per channel: the browser may blend or colour-manage a little. */
    private static boolean near(int rgb, int expected) {
        for (int shift = 0; shift <= 16; shift += 8) {
            if (Math.abs(((rgb >> shift) & 0xff) - ((expected >> shift) & 0xff)) > COLOUR_TOLERANCE) {
                return false;
            }
        }
        return true;
    }

    private static Set<Integer> colours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y) & 0xffffff);
            }
        }
        return colours;
    }
}
