package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import social.nova.contracttesting.ConsumerContract;
import social.nova.contracttesting.ContractDescriptors;
import social.nova.contracttesting.ContractVerifier;
import social.nova.contracttesting.NovaStubServer;
import social.nova.harness.report.ReportParts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provider verification: every consumer contract found is replayed against the real provider on
 * the test stack ({@link ContractVerifier}, provider states from {@link StackProviderStates}), and
 * the report lists each contract (consumer → provider, its interactions, the result). A broken
 * contract fails this build, the providers' build, naming the consumer and the interaction.
 *
 * <p>Where contracts come from:
 * <ul>
 *   <li>the sample downstream project ({@code contracts/downstream-sample}), built here with its own
 *       pom against the published (installed) Nova artifacts, which writes its contract;</li>
 *   <li>Nova's own services, whose ITs call their dependencies through stub servers and leave
 *       their contracts in {@code target/nova-contracts}: of the service's split repository after
 *       {@link SplitIT} ran its pipeline there (the whole run), or of {@code nova-services/<service>}
 *       when its ITs ran in this repository, whichever is newer;</li>
 *   <li>any folder in {@code nova.contracts.dirs} / {@code NOVA_CONTRACTS_DIRS} (comma-separated):
 *       downstream teams' contract files.</li>
 * </ul>
 *
 * <p>Order 6, after {@link SplitIT}, whose split pipelines run the services' ITs (and so write their
 * contracts), and before the report; it only adds users and posts.
 */
@ExtendWith(NovaStackExtension.class)
@Order(6)
class ConsumerContractsIT {
    private static final System.Logger LOG = System.getLogger(ConsumerContractsIT.class.getName());
    private static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final Duration SAMPLE_BUILD = Duration.ofMinutes(5);
    private static final String SAMPLE = "contracts/downstream-sample";
    /** Where {@link SplitIT} splits each service into a repository of its own and runs its pipeline. */
    private static final String SPLITS = "nova-harness/target/split-it";

    @Test
    void everyConsumerContractHoldsAgainstTheRealProvider(NovaStack stack) throws Exception {
        Path root = stack.settings().root();
        buildTheSampleDownstreamProject(root);

        Map<Path, ConsumerContract> contracts = new LinkedHashMap<>();
        for (Path directory : contractDirectories(root)) {
            for (ConsumerContract contract : ConsumerContract.readAll(directory)) {
                contracts.put(directory.resolve(contract.fileName()), contract);
            }
        }
        assertThat(contracts.values())
                .as("the sample downstream project's contract")
                .anySatisfy(contract -> {
                    assertThat(contract.consumer()).isEqualTo("timeline-sample");
                    assertThat(contract.provider()).isEqualTo("content-service");
                    assertThat(contract.interactions()).hasSizeGreaterThanOrEqualTo(2);
                });

        // The services' ITs (here, or in their split repositories' pipelines: SplitIT) write their
        // contracts with the services they call; a run that found none verified nothing of Nova's.
        if (Files.isDirectory(root.resolve(SPLITS))) {
            assertThat(contracts.values())
                    .as("consumer contracts of Nova's own services (their ITs write them)")
                    .anySatisfy(contract -> assertThat(contract.consumer()).isNotEqualTo("timeline-sample"));
        }

        // `./nova ci contract-gate <service>`: only the contracts naming that service as provider.
        String onlyProvider = System.getProperty("nova.contracts.provider", "");
        if (!onlyProvider.isBlank()) {
            contracts.values().removeIf(contract -> !contract.provider().equals(onlyProvider));
        }

        Map<String, ManagedChannel> channels = new LinkedHashMap<>();
        List<ReportParts.ContractOutcome> outcomes = new ArrayList<>();
        List<String> broken = new ArrayList<>();
        try {
            ContractVerifier verifier = new ContractVerifier(
                    ContractDescriptors.fromClasspath(),
                    new StackProviderStates(GatewayApi.of(stack, DEADLINE)),
                    provider -> channels.computeIfAbsent(provider, name -> channel(stack, name)),
                    DEADLINE);
            for (Map.Entry<Path, ConsumerContract> found : contracts.entrySet()) {
                List<ReportParts.InteractionOutcome> interactions = new ArrayList<>();
                for (ContractVerifier.Result result : verifier.verify(found.getValue())) {
                    LOG.log(System.Logger.Level.INFO, "{0}", result);
                    interactions.add(new ReportParts.InteractionOutcome(
                            result.description(), result.method(), result.passed(), result.problems()));
                    if (!result.passed()) {
                        broken.add(result + " [" + root.relativize(found.getKey()) + "]");
                    }
                }
                outcomes.add(new ReportParts.ContractOutcome(
                        found.getValue().consumer(),
                        found.getValue().provider(),
                        root.relativize(found.getKey()).toString(),
                        interactions));
            }
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
        }
        ReportParts.saveContracts(RunReport.DIRECTORY, new ReportParts.ContractRun(RunReport.runId(stack), outcomes));
        RunReport.assemble(stack);

        assertThat(broken).as("consumer contracts the providers broke").isEmpty();
    }

    /**
     * The same replay fails when the real provider does not answer what a consumer relies on: here a
     * consumer that (wrongly) expects a post it can read to be NOT_FOUND, and one that expects the
     * like count as a JSON number (proto3 JSON writes an int64 as a string).
     */
    @Test
    void aContractTheRealProviderDoesNotKeepIsReportedWithWhatBroke(NovaStack stack) {
        ConsumerContract.Interaction reads = new ConsumerContract.Interaction(
                "expects a post it can read to be missing",
                new ConsumerContract.ProviderStateSpec("a post by the caller", List.of("postId", "accessToken")),
                "nova.content.v1.ContentService/GetPost",
                Map.of("authorization", "Bearer ${accessToken}"),
                json("{\"postId\":\"${postId}\"}"),
                List.of(),
                new ConsumerContract.ExpectedStatus("NOT_FOUND", null, List.of()));
        ConsumerContract.Interaction likes = new ConsumerContract.Interaction(
                "expects the like count as a number",
                reads.providerState(),
                reads.method(),
                reads.metadata(),
                reads.request(),
                List.of(json("{\"post\":{\"id\":\"${postId}\",\"likeCount\":2}}")),
                new ConsumerContract.ExpectedStatus("OK", null, List.of()));
        ConsumerContract wrong = new ConsumerContract("mistaken-consumer", "content-service", List.of(reads, likes));
        Map<String, ManagedChannel> channels = new LinkedHashMap<>();
        try {
            List<ContractVerifier.Result> results = new ContractVerifier(
                            ContractDescriptors.fromClasspath(),
                            new StackProviderStates(GatewayApi.of(stack, DEADLINE)),
                            provider -> channels.computeIfAbsent(provider, name -> channel(stack, name)),
                            DEADLINE)
                    .verify(wrong);

            assertThat(results)
                    .extracting(ContractVerifier.Result::problems)
                    .containsExactly(
                            List.of("expected status NOT_FOUND, got OK"),
                            List.of("response.post.likeCount should be a number (like 2), is \"0\""));
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode json(String text) {
        try {
            return GatewayApi.JSON.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** Builds and tests the sample as its own team would, which writes its consumer contract. */
    private static void buildTheSampleDownstreamProject(Path root) throws Exception {
        Path contractsOut = root.resolve(SAMPLE).resolve(NovaStubServer.DEFAULT_CONTRACTS_DIRECTORY);
        deleteRecursively(contractsOut);
        Path log = root.resolve("nova-harness/target/downstream-sample.log");
        Files.createDirectories(log.getParent());
        // Offline first (everything it needs is cached by Nova's own build); Maven Central if not.
        int exit = maven(root, log, "-o");
        if (exit != 0) {
            exit = maven(root, log);
        }
        assertThat(exit)
                .as("mvn -f %s/pom.xml test (log: %s):%n%s", SAMPLE, log, tail(log))
                .isZero();
        assertThat(contractsOut.resolve("timeline-sample--content-service.json"))
                .isRegularFile();
    }

    private static int maven(Path root, Path log, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(root.resolve("mvnw").toString(), "-B", "-q", "-nsu"));
        command.addAll(List.of(extra));
        command.addAll(List.of("-f", root.resolve(SAMPLE).resolve("pom.xml").toString(), "test"));
        Process process = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(SAMPLE_BUILD.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the sample's build did not end within " + SAMPLE_BUILD + ": " + tail(log));
        }
        return process.exitValue();
    }

    static List<Path> contractDirectories(Path root) throws IOException {
        List<Path> directories = new ArrayList<>();
        directories.add(root.resolve(SAMPLE).resolve(NovaStubServer.DEFAULT_CONTRACTS_DIRECTORY));
        try (Stream<Path> services = Files.list(root.resolve("nova-services"))) {
            for (Path service : services.filter(Files::isDirectory).sorted().toList()) {
                directories.add(newer(
                        service.resolve(NovaStubServer.DEFAULT_CONTRACTS_DIRECTORY),
                        root.resolve(SPLITS)
                                .resolve(service.getFileName())
                                .resolve(NovaStubServer.DEFAULT_CONTRACTS_DIRECTORY)));
            }
        }
        String configured =
                System.getProperty("nova.contracts.dirs", System.getenv().getOrDefault("NOVA_CONTRACTS_DIRS", ""));
        for (String directory : configured.split(",")) {
            if (!directory.isBlank()) {
                Path path = root.resolve(directory.strip());
                assertThat(path).as("a folder of nova.contracts.dirs").isDirectory();
                directories.add(path);
            }
        }
        return directories;
    }

    /**
     * Of a service's contracts in the monorepo ({@code nova-services/<service>/target}) and in its
     * split repository ({@code SplitIT}'s pipeline), those written last: the whole run tests each
     * service once, in its split, and a later run of one service's ITs here is newer than the split.
     */
    private static Path newer(Path here, Path split) throws IOException {
        return lastWritten(split) > lastWritten(here) ? split : here;
    }

    private static long lastWritten(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return Long.MIN_VALUE;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.mapToLong(file -> file.toFile().lastModified()).max().orElse(Long.MIN_VALUE);
        }
    }

    private static ManagedChannel channel(NovaStack stack, String provider) {
        List<ServiceInstance> instances = stack.instances(provider);
        assertThat(instances)
                .as("running instances of %s, a provider of a contract", provider)
                .isNotEmpty();
        return Grpc.newChannelBuilder(instances.getFirst().hostTarget(), InsecureChannelCredentials.create())
                .build();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** Deletes a folder and everything in it, if it exists (also used by SplitIT). */
    static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(file -> {
                try {
                    Files.delete(file);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
