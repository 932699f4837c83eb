package social.nova.harness;

import java.nio.file.Path;

import social.nova.harness.report.NovaReport;

/** Where the test classes of a run put their parts of the report, and how they rewrite it. */
final class RunReport {
    /** {@code nova-harness/target/nova-report} (tests run in the module's folder). */
    static final Path DIRECTORY = Path.of("target", "nova-report");

    private RunReport() {}

    /** The run's id: its stack's network, unique per run. */
    static String runId(NovaStack stack) {
        return stack.identity().networkName();
    }

    /** Rewrites {@code report.json} and {@code index.html} with every part the run has saved so far. */
    static NovaReport.Report assemble(NovaStack stack) {
        return NovaReport.assemble(DIRECTORY, stack.settings().root(), runId(stack), stack.gitCommit());
    }
}
