package social.nova.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import social.nova.harness.StackStatus;
import social.nova.harness.faults.FaultOutcome;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;
import social.nova.harness.report.ModuleTimings.ModuleTiming;
import social.nova.harness.report.ReportParts.LatencyRun;
import social.nova.harness.report.ReportParts.Load;

/**
 * The harness's report of one run, as {@code report.json} (for tools) and {@code index.html} (for
 * people) in one folder, by default {@code nova-harness/target/nova-report}: the GO / NO-GO verdict
 * and the checks behind it, each edge's latency with a histogram chart, the fault outcomes, each
 * module's test times, the stack and the load. The page is self-contained: inline CSS and SVG, no
 * script, nothing fetched.
 */
public final class NovaReport {
    /** Set by {@code ./nova test} for its run: the id and start (epoch seconds) of the whole run. */
    public static final String TEST_RUN = "NOVA_TEST_RUN";

    private NovaReport() {}

    /**
     * Everything the report shows. Latency figures are null when the run measured none.
     *
     * @param runId the stack the figures come from
     */
    public record Report(
            String generatedAt,
            String gitCommit,
            String runId,
            Verdict verdict,
            List<StackStatus.ServiceRow> services,
            Load load,
            List<EdgeLatency> edges,
            ExitCriterion exitCriterion,
            ExitCriterion budget,
            List<FaultOutcome> faults,
            List<ReportParts.ContractOutcome> contracts,
            List<ModuleTiming> modules,
            ReportParts.Benchmark benchmark,
            Verdict.CiFigures ci) {
        public Report {
            services = List.copyOf(services);
            edges = List.copyOf(edges);
            faults = List.copyOf(faults);
            contracts = contracts == null ? List.of() : List.copyOf(contracts);
            modules = List.copyOf(modules);
        }
    }

    /**
     * Puts together what the run's test classes saved ({@link ReportParts}) and the module test
     * times found under {@code root}, and writes the report.
     *
     * @return the report written
     */
    public static Report assemble(Path directory, Path root, String runId, String gitCommit) {
        // The CI figures belong to the ./nova test run that started this JVM's Maven (NOVA_TEST_RUN).
        return assemble(directory, root, runId, gitCommit, Optional.ofNullable(System.getenv(TEST_RUN)), Instant.now());
    }

    /** As above, for the {@code ./nova test} run {@code testRun} (its CI figures), at {@code now}. */
    static Report assemble(
            Path directory, Path root, String runId, String gitCommit, Optional<String> testRun, Instant now) {
        Optional<LatencyRun> latency = ReportParts.latency(directory, runId);
        List<FaultOutcome> faults = ReportParts.faults(directory, runId);
        Optional<Verdict.CiFigures> ci = testRun.flatMap(run -> ReportParts.ci(directory, run))
                .map(run -> new Verdict.CiFigures(run, now.getEpochSecond() - run.testStartedEpoch()));
        Report report = new Report(
                now.toString(),
                gitCommit,
                runId,
                Verdict.of(latency.map(LatencyRun::exitCriterion), latency.map(LatencyRun::budget), faults, ci),
                latency.map(LatencyRun::services).orElse(List.of()),
                latency.map(LatencyRun::load).orElse(null),
                latency.map(LatencyRun::edges).orElse(List.of()),
                latency.map(LatencyRun::exitCriterion).orElse(null),
                latency.map(LatencyRun::budget).orElse(null),
                faults,
                ReportParts.contracts(directory, runId),
                ModuleTimings.read(root),
                ReportParts.benchmark(directory).orElse(null),
                ci.orElse(null));
        write(directory, report);
        return report;
    }

    /** Writes {@code report.json} and {@code index.html} into {@code directory}; returns the HTML file. */
    public static Path write(Path directory, Report report) {
        try {
            Files.createDirectories(directory);
            ReportParts.JSON.writeValue(directory.resolve("report.json").toFile(), report);
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
                  th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; text-align: left; vertical-align: top; }
                  td.n { text-align: right; font-variant-numeric: tabular-nums; }
                  .ok { color: #17702a; } .bad { color: #b00020; font-weight: bold; }
                  #verdict { display: inline-block; font-size: 2.5rem; font-weight: bold; padding: 0.3rem 1.2rem;
                             border-radius: 0.4rem; color: #fff; }
                  #verdict.go { background: #2e7d32; } #verdict.no-go { background: #c62828; }
                  .charts { display: flex; flex-wrap: wrap; gap: 1rem; }
                  figure { margin: 0; border: 1px solid #ddd; padding: 0.4rem; }
                  figcaption { font-size: 0.8rem; max-width: 340px; }
                  ul.m { margin: 0; padding-left: 1rem; }
                  small { color: #666; }
                </style></head><body>
                <h1>Nova harness report</h1>
                """);
        page.append("<p>")
                .append(escape(report.generatedAt()))
                .append(" &middot; commit <code>")
                .append(escape(report.gitCommit()))
                .append("</code> &middot; run <code>")
                .append(escape(report.runId()))
                .append("</code></p>\n");
        verdict(page, report.verdict());
        latency(page, report);
        load(page, report);
        faults(page, report.faults());
        contracts(page, report.contracts());
        ci(page, report.ci());
        modules(page, report.modules());
        stack(page, report);
        return page.append("</body></html>\n").toString();
    }

    private static void verdict(StringBuilder page, Verdict verdict) {
        page.append("<h2>Verdict</h2>\n<p><span id=\"verdict\" class=\"")
                .append(verdict.go() ? "go" : "no-go")
                .append("\">")
                .append(escape(verdict.decision()))
                .append("</span></p>\n");
        page.append("<table id=\"checks\"><tr><th>check</th><th>criterion</th><th>result</th></tr>\n");
        for (Verdict.Check check : verdict.checks()) {
            page.append("<tr><td>")
                    .append(escape(check.name()))
                    .append("</td><td>")
                    .append(escape(check.criterion()))
                    .append("</td><td class=\"")
                    .append(check.met() ? "ok" : "bad")
                    .append("\">")
                    .append(check.met() ? "met" : "not met");
            if (!check.failures().isEmpty()) {
                page.append("<ul class=\"m\">");
                check.failures()
                        .forEach(failure ->
                                page.append("<li>").append(escape(failure)).append("</li>"));
                page.append("</ul>");
            }
            page.append("</td></tr>\n");
        }
        page.append("</table>\n");
    }

    /** The flood (a fault of this run) and the latest benchmark against a {@code ./nova up} stack. */
    private static void load(StringBuilder page, Report report) {
        page.append("<h2 id=\"load\">Load</h2>\n");
        Optional<FaultOutcome> flood = report.faults().stream()
                .filter(f -> f.name().startsWith("flood"))
                .findFirst();
        if (flood.isPresent()) {
            page.append("<p>Flood (this run): ")
                    .append(escape(flood.get().expectation()))
                    .append(" <span class=\"")
                    .append(flood.get().passed() ? "ok\">held" : "bad\">did not hold")
                    .append("</span></p>\n<table id=\"flood\">");
            flood.get()
                    .measurements()
                    .forEach((key, value) -> page.append("<tr><td>")
                            .append(escape(key))
                            .append("</td><td class=\"n\">")
                            .append(escape(String.valueOf(value)))
                            .append("</td></tr>\n"));
            page.append("</table>\n");
        } else {
            page.append("<p>No flood in this run.</p>\n");
        }
        ReportParts.Benchmark benchmark = report.benchmark();
        if (benchmark == null) {
            page.append(
                    "<p>No benchmark has been run (<code>./nova bench</code> against <code>./nova up</code>).</p>\n");
            return;
        }
        page.append("<p>Benchmark against <code>./nova up</code>, ")
                .append(escape(benchmark.measuredAt()))
                .append(", commit <code>")
                .append(escape(benchmark.gitCommit()))
                .append("</code> (not part of this run's verdict):</p>\n<table id=\"benchmark\"><tr><th>measure</th>"
                        + "<th>figure</th><th>target</th><th>baseline, same run</th></tr>\n");
        for (ReportParts.BenchmarkRow row : benchmark.rows()) {
            page.append("<tr><td>")
                    .append(escape(row.measure()))
                    .append("</td><td class=\"n ")
                    .append(row.met() ? "ok" : "bad")
                    .append("\">")
                    .append(escape(row.figure()))
                    .append("</td><td>")
                    .append(escape(row.target()))
                    .append("</td><td>")
                    .append(escape(row.baseline()))
                    .append("</td></tr>\n");
        }
        page.append("</table>\n");
    }

    private static void latency(StringBuilder page, Report report) {
        page.append("<h2>Latency per edge (ms)</h2>\n");
        if (report.load() == null) {
            page.append("<p class=\"bad\">No latency run in this report.</p>\n");
            return;
        }
        Load load = report.load();
        page.append("<p>")
                .append(format(load.ratePerSecond()))
                .append(" requests/s on a fixed schedule for ")
                .append(format(load.durationSeconds()))
                .append(" s (")
                .append(load.requests())
                .append(" requests) after ")
                .append(format(load.warmupSeconds()))
                .append(" s of warm-up, which ")
                .append(load.steady() ? "reached" : "<span class=\"bad\">did not reach</span>")
                .append(" steady state (median of each warm-up window, ms: ")
                .append(escape(load.warmupMediansMillis().stream()
                        .map(NovaReport::format)
                        .toList()
                        .toString()))
                .append("; JIT compilation across the stack in each window, ms: ")
                .append(escape(load.warmupJitMillis().stream()
                        .map(NovaReport::format)
                        .toList()
                        .toString()))
                .append(")")
                .append(
                        load.stealPercent() == null
                                ? ""
                                : "; the machine's hypervisor took " + format(load.stealPercent())
                                        + " % of its CPU time for other tenants (steal) during the measured load")
                .append(
                        load.diskSync() == null || load.diskSync().count() == 0
                                ? ""
                                : "; the disk took up to "
                                        + format(load.diskSync().max()) + " ms to sync 8 KiB (p99 "
                                        + format(load.diskSync().p99()) + " ms, median "
                                        + format(load.diskSync().p50()) + " ms, "
                                        + load.diskSync().count()
                                        + " syncs; the test stack's PostgreSQL commits without waiting for the disk,"
                                        + " so no call waits for them)")
                .append("; round-robin over: ")
                .append(escape(String.join(", ", load.operations())))
                .append(".</p>\n");
        double threshold = report.exitCriterion().thresholdMillis();
        double budget = report.budget().thresholdMillis();
        page.append("<table id=\"edges\"><tr><th>from</th><th>to</th><th>operation</th><th>kind</th>"
                + "<th>calls</th><th>errors</th><th>retries</th><th>p50</th><th>p95</th><th>p99</th><th>max</th><th>mean</th>"
                + "<th>budget judged by</th></tr>\n");
        for (EdgeLatency edge : report.edges()) {
            boolean grpc = "grpc".equals(edge.kind());
            boolean event = EdgeLatency.EVENT.equals(edge.kind());
            boolean over = grpc && edge.budgetMillis() != null && edge.budgetMillis() >= budget
                    || Boolean.TRUE.equals(edge.eventLagOverTarget());
            String judged = event
                    ? eventJudgement(edge)
                    : !grpc
                            ? "(not a gRPC edge)"
                            : edge.budgetPercentile() == null ? "too few samples" : edge.budgetPercentile();
            page.append("<tr><td>")
                    .append(escape(edge.from()))
                    .append("</td><td>")
                    .append(escape(edge.to()))
                    .append("</td><td><code>")
                    .append(escape(edge.operation()))
                    .append("</code></td><td>")
                    .append(escape(edge.kind()))
                    .append("</td><td class=\"n\">")
                    .append(edge.count())
                    .append("</td><td class=\"n")
                    .append(edge.errors() > 0 ? " bad" : "")
                    .append("\">")
                    .append(edge.errors())
                    .append("</td><td class=\"n\">")
                    .append(edge.retries())
                    .append("</td>")
                    .append(cell(edge.p50(), false))
                    .append(cell(edge.p95(), over && "p95".equals(edge.budgetPercentile())))
                    .append(cell(edge.p99(), over && (event || "p99".equals(edge.budgetPercentile()))))
                    .append(cell(edge.max(), grpc && edge.max() != null && edge.max() >= threshold))
                    .append(cell(edge.mean(), false))
                    .append("<td>")
                    .append(escape(judged))
                    .append("</td></tr>\n");
        }
        page.append("</table>\n<p><small>Sources: ");
        report.edges().stream()
                .map(EdgeLatency::source)
                .distinct()
                .forEach(source -> page.append(escape(source)).append(". "));
        page.append("A dash: the source cannot tell. Red: a gRPC edge over our budget of ")
                .append(format(budget))
                .append(" ms by the percentile its samples allow (p99 on ")
                .append(EdgeLatency.P99_MIN_SAMPLES)
                .append(" or more, p95 on ")
                .append(EdgeLatency.P95_MIN_SAMPLES)
                .append(" or more), or a call over the plan's ")
                .append(format(threshold))
                .append(" ms.</small></p>\n");
        if (!report.budget().notes().isEmpty()) {
            page.append("<p>How the budget was judged:</p>\n<ul class=\"m\" id=\"budget-notes\">");
            report.budget()
                    .notes()
                    .forEach(note -> page.append("<li>").append(escape(note)).append("</li>"));
            page.append("</ul>\n");
        }

        page.append(
                        "<h2>Latency histograms</h2>\n<p><small>Calls per bin (upper bound in ms). Green: within our budget of ")
                .append(format(budget))
                .append(" ms; amber: over it; red: over the plan's ")
                .append(format(threshold))
                .append(" ms.</small></p>\n<div class=\"charts\">\n");
        for (EdgeLatency edge : report.edges()) {
            if (edge.histogram() == null) {
                continue;
            }
            String title = edge.from() + " \u2192 " + edge.to() + " " + edge.operation();
            page.append("<figure>")
                    .append(HistogramChart.svg(title, edge.histogram(), budget, threshold))
                    .append("<figcaption>")
                    .append(escape(title))
                    .append(" (")
                    .append(edge.histogram().total())
                    .append(" calls)</figcaption></figure>\n");
        }
        page.append("</div>\n");
    }

    /** How an event edge's lag compares with the read side's promise (p99 within 2 s). */
    private static String eventJudgement(EdgeLatency edge) {
        Boolean over = edge.eventLagOverTarget();
        String target = "event lag, target p99 <= " + format(EdgeLatency.EVENT_LAG_TARGET_MILLIS) + " ms: ";
        return target + (over == null ? "too few samples for a p99" : over ? "over" : "met");
    }

    private static void faults(StringBuilder page, List<FaultOutcome> faults) {
        page.append("<h2>Faults</h2>\n");
        if (faults.isEmpty()) {
            page.append("<p class=\"bad\">No fault test ran in this run.</p>\n");
            return;
        }
        page.append(
                "<table id=\"faults\"><tr><th>fault</th><th>expectation</th><th>result</th><th>measured</th></tr>\n");
        for (FaultOutcome fault : faults) {
            page.append("<tr><td>")
                    .append(escape(fault.name()))
                    .append("</td><td>")
                    .append(escape(fault.expectation()))
                    .append("</td><td class=\"")
                    .append(fault.passed() ? "ok" : "bad")
                    .append("\">")
                    .append(fault.passed() ? "passed" : "failed");
            if (!fault.detail().isEmpty()) {
                page.append("<br>").append(escape(fault.detail()));
            }
            page.append("</td><td><ul class=\"m\">");
            for (Map.Entry<String, Object> measured : fault.measurements().entrySet()) {
                page.append("<li>")
                        .append(escape(measured.getKey()))
                        .append(": ")
                        .append(escape(value(measured.getValue())))
                        .append("</li>");
            }
            page.append("</ul></td></tr>\n");
        }
        page.append("</table>\n");
    }

    private static void ci(StringBuilder page, Verdict.CiFigures ci) {
        page.append("<h2>CI</h2>\n");
        if (ci == null || ci.run().pipelines().isEmpty()) {
            page.append("<p class=\"bad\">No pipeline was measured in this run (nova-harness's SplitIT runs each "
                    + "service's pipeline in the repository <code>./nova split</code> makes of it).</p>\n");
            return;
        }
        page.append("<p>Each service's pipeline (<code>./nova ci pipeline</code>: quality, build, unit tests, "
                + "integration tests, contract gate, image), run in its own split repository against released "
                + "artifacts only, two pipelines at a time on this machine's cores (so each figure includes "
                + "sharing them with another build), against the whole repository's <code>./nova test</code> in "
                + "the same run; the plan's figures beside them.</p>\n");
        page.append("<table id=\"ci\"><tr><th>pipeline</th><th>seconds</th><th>plan's target</th>"
                + "<th>stages (s)</th></tr>\n");
        for (ReportParts.Pipeline pipeline : ci.run().pipelines()) {
            boolean faster = pipeline.seconds() < ci.monorepoSeconds();
            page.append("<tr><td>")
                    .append(escape(pipeline.artifact()))
                    .append("</td><td class=\"n ")
                    .append(faster ? "ok" : "bad")
                    .append("\">")
                    .append(pipeline.seconds())
                    .append("</td><td class=\"n\">")
                    .append(pipeline.targetSeconds())
                    .append("</td><td>");
            page.append(pipeline.stageSeconds().entrySet().stream()
                            .map(stage -> escape(stage.getKey()) + " " + stage.getValue())
                            .collect(Collectors.joining(" &middot; ")))
                    .append("</td></tr>\n");
        }
        page.append("<tr><td>monorepo: <code>./nova test</code> (whole repository)</td><td class=\"n\">&ge; ")
                .append(ci.monorepoSeconds())
                .append("</td><td class=\"n\">")
                .append(ci.run().monorepoTarget())
                .append("+</td><td><small>still running when this report was written: a lower bound</small>"
                        + "</td></tr>\n");
        page.append("</table>\n");
    }

    private static void contracts(StringBuilder page, List<ReportParts.ContractOutcome> contracts) {
        page.append("<h2>Consumer contracts</h2>\n");
        if (contracts.isEmpty()) {
            page.append("<p class=\"bad\">No consumer contract was verified in this run.</p>\n");
            return;
        }
        page.append("<table id=\"contracts\"><tr><th>consumer &rarr; provider</th><th>interactions</th>"
                + "<th>result</th><th>contract</th></tr>\n");
        for (ReportParts.ContractOutcome contract : contracts) {
            page.append("<tr><td>")
                    .append(escape(contract.consumer()))
                    .append(" &rarr; ")
                    .append(escape(contract.provider()))
                    .append("</td><td><ul class=\"m\">");
            for (ReportParts.InteractionOutcome interaction : contract.interactions()) {
                page.append("<li class=\"")
                        .append(interaction.passed() ? "ok" : "bad")
                        .append("\">")
                        .append(escape(interaction.description()))
                        .append(" <small>")
                        .append(escape(interaction.method()))
                        .append("</small>");
                interaction.problems().forEach(problem -> page.append("<br>").append(escape(problem)));
                page.append("</li>");
            }
            page.append("</ul></td><td class=\"")
                    .append(contract.passed() ? "ok" : "bad")
                    .append("\">")
                    .append(contract.passed() ? "verified" : "broken")
                    .append("</td><td><code>")
                    .append(escape(contract.source()))
                    .append("</code></td></tr>\n");
        }
        page.append("</table>\n");
    }

    private static void modules(StringBuilder page, List<ModuleTiming> modules) {
        page.append("<h2>Module test times</h2>\n");
        if (modules.isEmpty()) {
            page.append("<p>No module has test reports yet.</p>\n");
            return;
        }
        page.append(
                "<table id=\"modules\"><tr><th>module</th><th>unit tests</th><th>unit s</th><th>integration tests</th>"
                        + "<th>integration s</th><th>total s</th><th>failed</th><th>skipped</th><th>reports written</th></tr>\n");
        for (ModuleTiming module : modules) {
            page.append("<tr><td>")
                    .append(escape(module.module()))
                    .append("</td><td class=\"n\">")
                    .append(module.unitTests())
                    .append("</td><td class=\"n\">")
                    .append(format(module.unitSeconds()))
                    .append("</td><td class=\"n\">")
                    .append(module.integrationTests())
                    .append("</td><td class=\"n\">")
                    .append(format(module.integrationSeconds()))
                    .append("</td><td class=\"n\">")
                    .append(format(module.totalSeconds()))
                    .append("</td><td class=\"n")
                    .append(module.failures() + module.errors() > 0 ? " bad" : "")
                    .append("\">")
                    .append(module.failures() + module.errors())
                    .append("</td><td class=\"n\">")
                    .append(module.skipped())
                    .append("</td><td>")
                    .append(escape(module.reportedAt()))
                    .append("</td></tr>\n");
        }
        double total = modules.stream().mapToDouble(ModuleTiming::totalSeconds).sum();
        page.append("</table>\n<p><small>Sum of the <code>time</code> of each module's surefire (unit) and failsafe "
                        + "(integration) reports, ")
                .append(format(total))
                .append(" s in all; compiling and packaging are not "
                        + "recorded. Reports stay from the module's last build.</small></p>\n");
    }

    private static void stack(StringBuilder page, Report report) {
        page.append("<h2>Stack</h2>\n");
        if (report.services().isEmpty()) {
            page.append("<p>Not recorded (the latency run records it).</p>\n");
            return;
        }
        page.append(
                "<table id=\"stack\"><tr><th>service</th><th>instance</th><th>host port</th><th>health in Consul</th></tr>\n");
        for (StackStatus.ServiceRow service : report.services()) {
            for (StackStatus.InstanceRow instance : service.instances()) {
                page.append("<tr><td>")
                        .append(escape(service.service()))
                        .append("</td><td>")
                        .append(escape(instance.address()))
                        .append("</td><td>")
                        .append(escape(instance.hostTarget()))
                        .append("</td><td class=\"")
                        .append(instance.passing() ? "ok" : "bad")
                        .append("\">")
                        .append(escape(instance.health()))
                        .append("</td></tr>\n");
            }
        }
        page.append("</table>\n");
    }

    private static String cell(Double millis, boolean bad) {
        return "<td class=\"n" + (bad ? " bad" : "") + "\">" + (millis == null ? "&ndash;" : format(millis)) + "</td>";
    }

    private static String value(Object value) {
        return value instanceof Double number ? format(number) : String.valueOf(value);
    }

    static String format(double value) {
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
