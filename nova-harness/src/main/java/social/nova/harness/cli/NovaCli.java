package social.nova.harness.cli;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.helidon.config.Config;
import social.nova.harness.Fleet;
import social.nova.harness.GitCommit;
import social.nova.harness.NovaStack;
import social.nova.harness.PlatformContainers;
import social.nova.harness.Progress;
import social.nova.harness.StackDocker;
import social.nova.harness.StackIdentity;
import social.nova.harness.StackSettings;
import social.nova.harness.StackStatus;
import social.nova.harness.ToolImages;
import social.nova.harness.latency.RpcEdgeLatencies;
import social.nova.harness.report.ReportParts;

/**
 * {@code ./nova up|down|status}: the Nova stack for people, on fixed ports, outliving this JVM.
 *
 * <ul>
 *   <li>{@code up}: starts (or brings up to date) the stack of every built service and prints
 *       the table of services and the URLs to open. Unchanged containers of a running stack are
 *       kept; changed ones replaced.</li>
 *   <li>{@code down}: removes every container and the network of the stack, by label.</li>
 *   <li>{@code status}: prints the table again, from Docker and Consul.</li>
 * </ul>
 * Exit code 0 when every instance passes its checks, 1 otherwise, 2 for a bad command.
 * Settings: {@link StackSettings} (e.g. {@code NOVA_CONSUL_PORT}, {@code NOVA_GATEWAY_PORT}).
 */
public final class NovaCli {
    private static final int OK = 0;
    private static final int FAILED = 1;
    private static final int USAGE = 2;
    /** Held so that their levels stick (JUL keeps loggers only weakly). */
    private static final Logger ROOT_LOGGER = Logger.getLogger("");

    private static final Logger RYUK_BANNER = Logger.getLogger("org.testcontainers.utility.ResourceReaper");

    private NovaCli() {}

    public static void main(String[] args) {
        quietLibraryLogging();
        int code;
        try {
            code = run(args.length == 0 ? "help" : args[0], args.length > 1 ? args[1] : "");
        } catch (RuntimeException e) {
            Progress.console().report("FAIL", e.getMessage());
            code = FAILED;
        }
        // Docker client threads would keep the JVM alive; the stack itself outlives it on purpose.
        System.exit(code);
    }

    private static int run(String command, String argument) {
        return switch (command) {
            case "up" -> up();
            case "down" -> down();
            case "status" -> status();
            case "bench" ->
                List.of("", "core", "realtime", "sockets", "media", "streaming").contains(argument)
                        ? bench(argument)
                        : USAGE;
            default -> {
                System.out.println("usage: nova-harness up|down|status|bench [core|realtime|sockets|media|streaming]");
                yield USAGE;
            }
        };
    }

    private static int up() {
        StackSettings settings = settings();
        try {
            NovaStack.start(settings, Fleet.nova(), Progress.console());
        } catch (IllegalStateException e) {
            Progress.console().report("FAIL", e.getMessage());
            Progress.console()
                    .report(
                            "HINT",
                            "the stack is left as it is for a look: ./nova status, "
                                    + "docker logs <container>, ./nova down");
            return FAILED;
        }
        return printStatus(settings);
    }

    private static int down() {
        int removed = NovaStack.down(settings());
        Progress.console()
                .report(
                        "OK",
                        removed == 0 ? "no Nova stack was up" : "removed the Nova stack (" + removed + " containers)");
        return OK;
    }

    /** The metrics endpoint of a service's first instance, as this machine reaches it. */
    private static URI metricsOf(StackStatus status, String service) {
        return URI.create("http://" + instanceOf(status, service) + "/observe/metrics");
    }

    /** The published host:port of the service's first instance. */
    private static String instanceOf(StackStatus status, String service) {
        return status.services().stream()
                .filter(row -> row.service().equals(service))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(service + " is not up"))
                .instances()
                .getFirst()
                .hostTarget();
    }

    private static int status() {
        return printStatus(settings());
    }

    /**
     * The benchmark against the running {@code up} stack (see {@link Benchmark}): prints each figure
     * beside its target and baseline, and saves them for the report ({@code nova.report.dir});
     * {@code realtime}: only the WebSocket delivery figures; {@code sockets}: only the open-sockets
     * figure, added to the figures saved before (one report for {@code ./nova bench}'s two phases).
     */
    private static int bench(String part) {
        StackSettings settings = settings();
        StackDocker docker = new StackDocker(settings.bindAddress());
        StackStatus status = StackStatus.read(docker, StackIdentity.up(), Fleet.nova(), settings.publishedHost());
        if (!status.allPassing()) {
            Progress.console().report("FAIL", "the ./nova up stack is not up and passing: ./nova up first");
            return FAILED;
        }
        Map<String, List<URI>> endpoints = new LinkedHashMap<>();
        status.services()
                .forEach(row -> endpoints.put(
                        row.service(),
                        row.instances().stream()
                                .map(instance -> URI.create("http://" + instance.hostTarget() + RpcEdgeLatencies.PATH))
                                .toList()));
        String edge = Fleet.nova().edge().orElseThrow().name();
        URI gateway = URI.create("http://"
                + status.services().stream()
                        .filter(row -> row.service().equals(edge))
                        .findFirst()
                        .orElseThrow()
                        .instances()
                        .getFirst()
                        .hostTarget());
        Benchmark.Database database = new Benchmark.Database(
                status.postgresJdbcUrl().orElseThrow(),
                PlatformContainers.SUPERUSER,
                PlatformContainers.SUPERUSER_PASSWORD);
        String gatewayContainer = docker.containers(StackIdentity.up().labelFilter()).stream()
                .filter(container -> edge.equals(container.getLabels().get(StackIdentity.SERVICE_LABEL)))
                .findFirst()
                .orElseThrow()
                .getId();
        long gatewayMemoryLimit =
                docker.inspect(gatewayContainer).orElseThrow().getHostConfig().getMemory();
        RealtimeBenchmark realtime = new RealtimeBenchmark(
                gateway,
                direct(docker, gatewayContainer, gateway),
                () -> docker.memoryInUse(gatewayContainer),
                gatewayMemoryLimit);
        Path report = Path.of(System.getProperty(
                "nova.report.dir",
                settings.root().resolve("nova-harness/target/nova-report").toString()));
        String commit = GitCommit.of(settings.root());
        // Made only for the parts that measure media: the WebSocket parts need no media-service.
        java.util.function.Supplier<MediaBenchmark> media = () -> new MediaBenchmark(
                gateway,
                status.objectStoreUri().orElseThrow(),
                metricsOf(status, "media-service"),
                metricsOf(status, edge));
        java.util.function.Supplier<StreamingBenchmark> streaming = () -> new StreamingBenchmark(
                gateway,
                instanceOf(status, "streaming-service"),
                metricsOf(status, "streaming-service"),
                docker,
                StackIdentity.up(),
                new ToolImages(docker.client(), settings.root()).ffmpeg().tag());
        ReportParts.Benchmark benchmark = switch (part) {
            case "realtime" -> new ReportParts.Benchmark(Instant.now().toString(), commit, realtime.delivery());
            case "sockets" -> {
                List<ReportParts.BenchmarkRow> rows = new ArrayList<>(ReportParts.benchmark(report)
                        .filter(saved -> saved.gitCommit().equals(commit))
                        .map(ReportParts.Benchmark::rows)
                        .orElse(List.of()));
                ReportParts.BenchmarkRow sockets = realtime.connections();
                rows.removeIf(row -> row.measure().equals(sockets.measure()));
                rows.add(sockets);
                yield new ReportParts.Benchmark(Instant.now().toString(), commit, rows);
            }
            case "media" -> {
                List<ReportParts.BenchmarkRow> rows = new ArrayList<>(ReportParts.benchmark(report)
                        .filter(saved -> saved.gitCommit().equals(commit))
                        .map(ReportParts.Benchmark::rows)
                        .orElse(List.of()));
                List<ReportParts.BenchmarkRow> measured = media.get().run();
                // The media figures replace every earlier media figure (names included, as they change).
                rows.removeIf(row -> MediaBenchmark.isMedia(row.measure()));
                rows.addAll(measured);
                yield new ReportParts.Benchmark(Instant.now().toString(), commit, rows);
            }
            case "streaming" -> {
                List<ReportParts.BenchmarkRow> rows = new ArrayList<>(ReportParts.benchmark(report)
                        .filter(saved -> saved.gitCommit().equals(commit))
                        .map(ReportParts.Benchmark::rows)
                        .orElse(List.of()));
                List<ReportParts.BenchmarkRow> measured = streaming.get().run();
                rows.removeIf(row -> StreamingBenchmark.isStreaming(row.measure()));
                rows.addAll(measured);
                yield new ReportParts.Benchmark(Instant.now().toString(), commit, rows);
            }
            case "core" -> {
                List<ReportParts.BenchmarkRow> rows = new ArrayList<>(ReportParts.benchmark(report)
                        .filter(saved -> saved.gitCommit().equals(commit))
                        .map(ReportParts.Benchmark::rows)
                        .orElse(List.of()));
                ReportParts.Benchmark core = new Benchmark(
                                gateway, endpoints, database, status.redisUri().orElseThrow(), realtime)
                        .run(commit, false);
                // The core figures replace their earlier selves and keep the other parts' figures.
                Set<String> measures = core.rows().stream()
                        .map(ReportParts.BenchmarkRow::measure)
                        .collect(java.util.stream.Collectors.toSet());
                rows.removeIf(
                        row -> measures.contains(row.measure()) || row.measure().startsWith("gRPC "));
                rows.addAll(core.rows());
                yield new ReportParts.Benchmark(core.measuredAt(), commit, rows);
            }
            default -> {
                ReportParts.Benchmark all = new Benchmark(
                                gateway, endpoints, database, status.redisUri().orElseThrow(), realtime)
                        .run(commit, true);
                List<ReportParts.BenchmarkRow> rows = new ArrayList<>(all.rows());
                rows.addAll(media.get().run());
                rows.addAll(streaming.get().run());
                yield new ReportParts.Benchmark(all.measuredAt(), commit, rows);
            }
        };
        System.out.println();
        System.out.printf("%-72s %-12s %-16s %s%n", "MEASURE", "FIGURE", "TARGET", "BASELINE (same run)");
        benchmark
                .rows()
                .forEach(row -> System.out.printf(
                        "%-72s %-12s %-16s %s%n",
                        row.measure(), row.figure() + (row.met() ? "" : " !"), row.target(), row.baseline()));
        ReportParts.saveBenchmark(report, benchmark);
        Progress.console()
                .report("SAVED", report.resolve("parts/benchmark.json") + " (shown in the report's load section)");
        return OK;
    }

    /**
     * The gateway at its container's own address on the stack's network, if this machine reaches
     * it there (Linux; not Docker Desktop), else {@code published}.
     */
    private static URI direct(StackDocker docker, String container, URI published) {
        var inspected = docker.inspect(container).orElseThrow();
        int port = inspected.getConfig().getExposedPorts() == null
                        || inspected.getConfig().getExposedPorts().length == 0
                ? published.getPort()
                : inspected.getConfig().getExposedPorts()[0].getPort();
        for (var network : inspected.getNetworkSettings().getNetworks().values()) {
            String address = network.getIpAddress();
            if (address == null || address.isBlank()) {
                continue;
            }
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(new java.net.InetSocketAddress(address, port), 1_000);
                return URI.create("http://" + address + ":" + port);
            } catch (java.io.IOException unreachable) {
                // not routed from this machine; try the next network, then the published port
            }
        }
        return published;
    }

    private static int printStatus(StackSettings settings) {
        StackStatus status = StackStatus.read(
                new StackDocker(settings.bindAddress()), StackIdentity.up(), Fleet.nova(), settings.publishedHost());
        System.out.println();
        System.out.print(status.render());
        return status.allPassing() ? OK : FAILED;
    }

    private static StackSettings settings() {
        return StackSettings.forUp(Config.create().get("nova"));
    }

    /**
     * Testcontainers and docker-java log through JUL at INFO; people want only the steps (and
     * not the banner warning that Ryuk is off: the CLI's stack is meant to outlive the JVM).
     * {@code NOVA_VERBOSE=1} keeps everything.
     */
    private static void quietLibraryLogging() {
        if (System.getenv("NOVA_VERBOSE") == null) {
            ROOT_LOGGER.setLevel(Level.WARNING);
            RYUK_BANNER.setLevel(Level.SEVERE);
        }
    }
}
