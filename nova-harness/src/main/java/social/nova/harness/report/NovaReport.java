package social.nova.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import social.nova.harness.StackStatus;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;

/**
 * The harness's report of one run: the stack as Consul saw it, the load, each edge's latency and
 * the plan's exit criterion, as {@code report.json} (for tools) and {@code index.html} (for people)
 * in one folder, by default {@code nova-harness/target/nova-report}.
 */
public final class NovaReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private NovaReport() {
    }

    /** The load a run put on the stack. */
    public record Load(double ratePerSecond, double warmupSeconds, double durationSeconds, long requests, List<String> operations) {
        public Load {
            operations = List.copyOf(operations);
        }
    }

    /** Everything the report shows. */
    public record Report(String generatedAt, String gitCommit, List<StackStatus.ServiceRow> services, Load load,
                         List<EdgeLatency> edges, ExitCriterion exitCriterion) {
        public Report {
            services = List.copyOf(services);
            edges = List.copyOf(edges);
        }
    }

    /** Writes {@code report.json} and {@code index.html} into {@code directory}; returns the HTML file. */
    public static Path write(Path directory, Report report) {
        try {
            Files.createDirectories(directory);
            JSON.writeValue(directory.resolve("report.json").toFile(), report);
            Path html = directory.resolve("index.html");
            Files.writeString(html, html(report));
            return html;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the report to " + directory, e);
        }
    }

    static String html(Report report) {
        StringBuilder page = new StringBuilder();
        page.append("""
                <!DOCTYPE html>
                <html lang="en"><head><meta charset="utf-8"><title>Nova harness report</title>
                <style>
                  body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
                  table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; }
                  th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; }
                  td.n { text-align: right; font-variant-numeric: tabular-nums; }
                  .ok { color: #17702a; } .bad { color: #b00020; font-weight: bold; }
                  small { color: #666; }
                </style></head><body>
                <h1>Nova harness report</h1>
                """);
        page.append("<p>").append(escape(report.generatedAt())).append(" &middot; commit <code>")
                .append(escape(report.gitCommit())).append("</code></p>\n");

        ExitCriterion criterion = report.exitCriterion();
        page.append("<h2>Exit criterion</h2>\n<p class=\"").append(criterion.met() ? "ok" : "bad").append("\">")
                .append(criterion.met() ? "Met: " : "Not met: ").append(escape(criterion.criterion())).append("</p>\n");
        if (!criterion.failures().isEmpty()) {
            page.append("<ul>");
            criterion.failures().forEach(failure -> page.append("<li class=\"bad\">").append(escape(failure)).append("</li>"));
            page.append("</ul>\n");
        }

        page.append("<h2>Stack</h2>\n<table><tr><th>service</th><th>instance</th><th>host port</th><th>health in Consul</th></tr>\n");
        for (StackStatus.ServiceRow service : report.services()) {
            for (StackStatus.InstanceRow instance : service.instances()) {
                page.append("<tr><td>").append(escape(service.service())).append("</td><td>").append(escape(instance.address()))
                        .append("</td><td>").append(escape(instance.hostTarget())).append("</td><td class=\"")
                        .append(instance.passing() ? "ok" : "bad").append("\">").append(escape(instance.health())).append("</td></tr>\n");
            }
        }
        page.append("</table>\n");

        Load load = report.load();
        page.append("<h2>Load</h2>\n<p>").append(format(load.ratePerSecond())).append(" requests/s on a fixed schedule for ")
                .append(format(load.durationSeconds())).append(" s after ").append(format(load.warmupSeconds()))
                .append(" s of warm-up (").append(load.requests()).append(" requests in all), round-robin over: ")
                .append(escape(String.join(", ", load.operations()))).append(".</p>\n");

        page.append("<h2>Latency per edge (ms)</h2>\n<table><tr><th>from</th><th>to</th><th>operation</th><th>kind</th>"
                + "<th>calls</th><th>errors</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th></tr>\n");
        for (EdgeLatency edge : report.edges()) {
            boolean slow = "grpc".equals(edge.kind()) && edge.judgedMillis() >= criterion.thresholdMillis();
            page.append("<tr><td>").append(escape(edge.from())).append("</td><td>").append(escape(edge.to()))
                    .append("</td><td><code>").append(escape(edge.operation())).append("</code></td><td>").append(edge.kind())
                    .append("</td><td class=\"n\">").append(edge.count())
                    .append("</td><td class=\"n").append(edge.errors() > 0 ? " bad" : "").append("\">").append(edge.errors())
                    .append("</td>").append(cell(edge.p50(), false)).append(cell(edge.p95(), false))
                    .append(cell(edge.p99(), slow && edge.p99() != null)).append(cell(edge.max(), false))
                    .append(cell(edge.mean(), slow && edge.p99() == null)).append("</tr>\n");
        }
        page.append("</table>\n<p><small>Sources: ");
        report.edges().stream().map(EdgeLatency::source).distinct()
                .forEach(source -> page.append(escape(source)).append(". "));
        page.append("A dash: the source cannot tell.</small></p>\n</body></html>\n");
        return page.toString();
    }

    private static String cell(Double millis, boolean bad) {
        return "<td class=\"n" + (bad ? " bad" : "") + "\">" + (millis == null ? "&ndash;" : format(millis)) + "</td>";
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, value == Math.rint(value) ? "%.0f" : "%.1f", value);
    }

    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder escaped = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '&' -> escaped.append("&amp;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
