package social.nova.harness.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import social.nova.harness.StackStatus;
import social.nova.harness.faults.FaultOutcome;
import social.nova.harness.latency.EdgeLatency;
import social.nova.harness.latency.ExitCriterion;
import social.nova.harness.latency.LatencySummary;

/**
 * What each test class of a run contributes to the report, kept as JSON in
 * {@code <report>/parts/} until {@link NovaReport#assemble} puts it together: the latency run
 * ({@code latency.json}), the fault outcomes ({@code faults.json}) and the consumer contracts
 * verified ({@code contracts.json}). Every part names the run
 * (the stack) it came from, so a report never mixes in an earlier run's leftovers.
 */
public final class ReportParts {
    /** Serializes read-modify-write of the faults part within this JVM. */
    private static final Object FAULTS_LOCK = new Object();

    static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final String PARTS = "parts";
    private static final String LATENCY = "latency.json";
    private static final String FAULTS = "faults.json";
    private static final String BENCHMARK = "benchmark.json";
    private static final String CONTRACTS = "contracts.json";
    private static final String CI = "ci.json";

    private ReportParts() {}

    /**
     * The load a run put on the stack.
     *
     * @param warmupSeconds       how long the warm-up ran (in windows, until steady or its maximum)
     * @param warmupMediansMillis the median latency of each warm-up window, in order
     * @param warmupJitMillis     how long the stack's JIT compilers worked in each warm-up window
     * @param steady              whether the warm-up reached steady state (else the budget is not judged)
     * @param stealPercent        CPU time the hypervisor gave other tenants during the measured load, in percent
     *                            of the machine's (null where unknown)
     * @param diskSync            how long the disk took to sync 8 KiB during the measured load ({@code
     *                            DiskStalls}; null where not sampled): the stalls a test stack's
     *                            PostgreSQL is spared (it commits without waiting for the disk)
     * @param requests            requests of the measured part
     */
    public record Load(
            double ratePerSecond,
            double warmupSeconds,
            List<Double> warmupMediansMillis,
            List<Double> warmupJitMillis,
            boolean steady,
            Double stealPercent,
            LatencySummary diskSync,
            double durationSeconds,
            long requests,
            List<String> operations) {
        public Load {
            warmupMediansMillis = warmupMediansMillis == null ? List.of() : List.copyOf(warmupMediansMillis);
            warmupJitMillis = warmupJitMillis == null ? List.of() : List.copyOf(warmupJitMillis);
            operations = List.copyOf(operations);
        }
    }

    /**
     * A benchmark run against a {@code ./nova up} stack (nova-harness {@code bench}), shown in the
     * report's load section with its own date: it is not part of a test run's verdict.
     *
     * @param rows each measure with its target and the baseline measured in the same run
     */
    public record Benchmark(String measuredAt, String gitCommit, List<BenchmarkRow> rows) {
        public Benchmark {
            rows = List.copyOf(rows);
        }
    }

    /** One measure of a benchmark: what, the figure, the target it must meet, whether it does, and its baseline. */
    public record BenchmarkRow(String measure, String figure, String target, boolean met, String baseline) {}

    /** A latency run: the stack as Consul saw it, the load, every edge and how they were judged. */
    public record LatencyRun(
            String runId,
            String measuredAt,
            String gitCommit,
            List<StackStatus.ServiceRow> services,
            Load load,
            List<EdgeLatency> edges,
            ExitCriterion exitCriterion,
            ExitCriterion budget) {
        public LatencyRun {
            Objects.requireNonNull(runId, "runId");
            services = List.copyOf(services);
            edges = List.copyOf(edges);
        }
    }

    /** The fault outcomes of one run, in the order the tests ran. */
    public record FaultRun(String runId, List<FaultOutcome> faults) {
        public FaultRun {
            faults = List.copyOf(faults);
        }
    }

    /**
     * One consumer contract replayed against its real provider.
     *
     * @param source       where the contract file was found, relative to the repository
     * @param interactions each interaction's outcome, in the contract's order
     */
    public record ContractOutcome(
            String consumer, String provider, String source, List<InteractionOutcome> interactions) {
        public ContractOutcome {
            interactions = List.copyOf(interactions);
        }

        public boolean passed() {
            return interactions.stream().allMatch(InteractionOutcome::passed);
        }
    }

    /** One interaction of a consumer contract: what it relies on and what broke, if anything. */
    public record InteractionOutcome(String description, String method, boolean passed, List<String> problems) {
        public InteractionOutcome {
            problems = List.copyOf(problems);
        }
    }

    /** The consumer contracts verified in one run. */
    public record ContractRun(String runId, List<ContractOutcome> contracts) {
        public ContractRun {
            contracts = List.copyOf(contracts);
        }
    }

    /**
     * One module's pipeline, run on its own: {@code ./nova ci pipeline} in the repository
     * {@code ./nova split} made of it, building against released artifacts only.
     *
     * @param artifact      the module's artifactId
     * @param seconds       the whole pipeline, quality to image
     * @param stageSeconds  each stage, in order
     * @param targetSeconds the plan's target for it ("~100 seconds"; auth-service "25-30 seconds")
     */
    public record Pipeline(String artifact, long seconds, Map<String, Long> stageSeconds, long targetSeconds) {
        public Pipeline {
            stageSeconds = Collections.unmodifiableMap(new LinkedHashMap<>(stageSeconds));
        }
    }

    /**
     * The CI figures of one {@code ./nova test} run (the plan's "CI/CD pipelines slower than
     * monorepo" exit criterion).
     *
     * @param testRun          the {@code ./nova test} run they belong to ({@code NOVA_TEST_RUN})
     * @param testStartedEpoch when that run started (seconds since the epoch): the monorepo's
     *                         figure is its whole {@code ./nova test}
     * @param monorepoTarget   the plan's figure for the monorepo's CI ("150+ seconds")
     */
    public record CiRun(String testRun, long testStartedEpoch, long monorepoTarget, List<Pipeline> pipelines) {
        public CiRun {
            pipelines = List.copyOf(pipelines);
        }
    }

    public static void saveCi(Path reportDirectory, CiRun run) {
        write(reportDirectory.resolve(PARTS).resolve(CI), run);
    }

    /** The CI figures of the {@code ./nova test} run {@code testRun}, if it measured them. */
    public static Optional<CiRun> ci(Path reportDirectory, String testRun) {
        return read(reportDirectory.resolve(PARTS).resolve(CI), CiRun.class)
                .filter(run -> run.testRun().equals(testRun));
    }

    public static void saveContracts(Path reportDirectory, ContractRun run) {
        write(reportDirectory.resolve(PARTS).resolve(CONTRACTS), run);
    }

    /** The consumer contracts verified in {@code runId} (empty if none were). */
    public static List<ContractOutcome> contracts(Path reportDirectory, String runId) {
        return read(reportDirectory.resolve(PARTS).resolve(CONTRACTS), ContractRun.class)
                .filter(run -> runId.equals(run.runId()))
                .map(ContractRun::contracts)
                .orElse(List.of());
    }

    public static void saveLatency(Path reportDirectory, LatencyRun run) {
        write(reportDirectory.resolve(PARTS).resolve(LATENCY), run);
    }

    /** Adds (or replaces, by name) one fault's outcome to the run's list. */
    public static void saveFault(Path reportDirectory, String runId, FaultOutcome outcome) {
        synchronized (FAULTS_LOCK) {
            List<FaultOutcome> faults = new ArrayList<>(faults(reportDirectory, runId));
            faults.removeIf(fault -> fault.name().equals(outcome.name()));
            faults.add(outcome);
            write(reportDirectory.resolve(PARTS).resolve(FAULTS), new FaultRun(runId, faults));
        }
    }

    public static void saveBenchmark(Path reportDirectory, Benchmark benchmark) {
        write(reportDirectory.resolve(PARTS).resolve(BENCHMARK), benchmark);
    }

    /** The latest benchmark, whichever stack it ran against. */
    public static Optional<Benchmark> benchmark(Path reportDirectory) {
        return read(reportDirectory.resolve(PARTS).resolve(BENCHMARK), Benchmark.class);
    }

    /** The latency run of {@code runId}, if it wrote one. */
    public static Optional<LatencyRun> latency(Path reportDirectory, String runId) {
        return read(reportDirectory.resolve(PARTS).resolve(LATENCY), LatencyRun.class)
                .filter(run -> run.runId().equals(runId));
    }

    /** The fault outcomes of {@code runId} (empty if none ran). */
    public static List<FaultOutcome> faults(Path reportDirectory, String runId) {
        return read(reportDirectory.resolve(PARTS).resolve(FAULTS), FaultRun.class)
                .filter(run -> runId.equals(run.runId()))
                .map(FaultRun::faults)
                .orElse(List.of());
    }

    private static void write(Path file, Object part) {
        try {
            Path directory = file.toAbsolutePath().getParent();
            if (directory != null) {
                Files.createDirectories(directory);
            }
            // Whole or not at all: a reader never sees half a file.
            Path partial = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(partial.toFile(), part);
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report part " + file, e);
        }
    }

    private static <T> Optional<T> read(Path file, Class<T> type) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), type));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the report part " + file, e);
        }
    }
}
