package social.nova.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import social.nova.harness.report.NovaReport;
import social.nova.harness.report.ReportParts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The polyrepo, proven on this commit (issue 15): in a clone of the repository, {@code ./nova release
 * all} publishes nova-parent, every nova-shared library and nova-contracts at their versions to a
 * file repository; {@code ./nova split} makes a repository of each service, history kept; each
 * builds and tests on its own ({@code .ci/run}: its whole pipeline, quality to image) offline,
 * against that file repository only: a local Maven repository of its own whose only source of
 * Nova artifacts is the file repository (third-party artifacts come from a copy of this machine's
 * local repository without any {@code social.nova} artifact). Then {@code ./nova merge-back} brings
 * a split back with a commit made there, and {@code ./nova release} refuses an API break without a
 * major version. Each pipeline's time goes to the report's CI table.
 *
 * <p>Runs first, before any test starts the shared stack: its builds are CPU-bound on this machine's
 * two cores (two split pipelines at once took 116 s, one after the other 111 s), and the idle stack
 * (nine JVMs, Consul's checks, Keycloak) took about 15 % more of them (133 s for the same two). When
 * it ran last (order 5) it was half of {@code ./nova test}'s time. Its builds write about a gigabyte
 * (clones, builds, images); once, with the stack up, LatencyIT then saw PostgreSQL writes take up to
 * 800 ms, so it ends by flushing them to disk ({@code sync}) before the stack starts and the latency
 * run begins minutes later. Everything it makes stays in {@code nova-harness/target/split-it/} for a
 * look (logs in {@code *.log}); ConsumerContractsIT reads the services' contracts there.
 */
@Order(0)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SplitIT {
    /** The plan's targets: services "~100 seconds", auth "25-30 seconds", the monorepo "150+". */
    private static final Map<String, Long> TARGETS = Map.of("auth-service", 30L);

    private static final long SERVICE_TARGET_SECONDS = 100;
    private static final long MONOREPO_TARGET_SECONDS = 150;
    private static final List<String> LIBRARIES = List.of(
            "nova-parent",
            "nova-error-types",
            "nova-testing",
            "nova-crypto-core",
            "nova-redis-utils",
            "nova-events",
            "nova-db-pool",
            "nova-mail",
            "nova-fcm-shared",
            "nova-discovery",
            "nova-rpc",
            "nova-service-kit",
            "nova-contracts",
            "nova-auth-client",
            "nova-contract-testing",
            "nova-service-testing");
    /** The platform's version in this commit (nova-parent's), which every library is released at. */
    private static final String VERSION = "0.3.0";
    /** A patch release of {@link #VERSION}: no room for a break. */
    private static final String PATCH = "0.3.1";

    private static final Duration RELEASE_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration PIPELINE_TIMEOUT = Duration.ofMinutes(10);
    /** Split pipelines that run at once (see everyServiceBuildsAndTestsOnItsOwnAgainstTheReleasedArtifactsOnly). */
    private static final int PARALLEL_PIPELINES = 2;

    private static final Pattern PIPELINE_TIME = Pattern.compile("TIME +pipeline (\\S+): (\\d+) s \\(([^)]*)\\)");

    private final Path root =
            Path.of(System.getProperty("nova.root", "..")).toAbsolutePath().normalize();
    private final Path work = root.resolve("nova-harness/target/split-it");
    private final Path releases = work.resolve("releases");
    private final Path monorepo = work.resolve("monorepo");
    private final List<ReportParts.Pipeline> pipelines = new ArrayList<>();

    @BeforeAll
    void cloneTheRepositoryAndReleaseItsLibraries() throws Exception {
        ConsumerContractsIT.deleteRecursively(work);
        Files.createDirectories(work);
        // This commit, as CI checks it out: what is not committed is not split or released.
        run(
                work,
                work.resolve("clone.log"),
                Duration.ofMinutes(2),
                Map.of(),
                "git",
                "clone",
                "-q",
                root.toString(),
                monorepo.toString());
        // The split pipelines run offline, so every plugin their stages use must be in this
        // machine's repository before it is copied below. The monorepo's own build never runs
        // SpotBugs (only the pipelines' quality stage does): on a fresh machine its plugin and
        // SpotBugs itself were missing, and every pipeline failed at its first goal (2026-12-03).
        // The quality stage of the smallest library, online, fetches them (about 20 s).
        Result quality = nova(
                monorepo,
                "plugins.log",
                Duration.ofMinutes(5),
                Map.of("NOVA_MAVEN_ARGS", ""),
                "ci",
                "quality",
                "nova-error-types");
        assertThat(quality.exit())
                .as("the quality stage, online, to fetch the pipelines' plugins:%n%s", quality.tail())
                .isZero();
        // Third-party artifacts for the split builds: this machine's local repository without Nova's.
        Path thirdParty = work.resolve("third-party");
        Path localRepository =
                Path.of(System.getProperty("nova.maven.local", System.getProperty("user.home") + "/.m2/repository"));
        run(
                work,
                work.resolve("third-party.log"),
                Duration.ofMinutes(5),
                Map.of(),
                "cp",
                "-al",
                localRepository.toString(),
                thirdParty.toString());
        ConsumerContractsIT.deleteRecursively(thirdParty.resolve("social/nova"));

        // Online mode (Maven refuses to deploy offline); everything is cached, nothing is downloaded.
        Result release = nova(
                monorepo, "release.log", RELEASE_TIMEOUT, Map.of("NOVA_MAVEN_ARGS", ""), "release", "all", VERSION);
        assertThat(release.exit())
                .as("./nova release all %s:%n%s", VERSION, release.tail())
                .isZero();
    }

    @AfterAll
    void flushTheBuildsToDisk() throws Exception {
        run(work, work.resolve("sync.log"), Duration.ofMinutes(2), Map.of(), "sync");
    }

    @Test
    @Order(1)
    void everyLibraryAndTheContractsArePublishedAndTagged() throws Exception {
        for (String library : LIBRARIES) {
            Path released = releases.resolve("social/nova").resolve(library).resolve(VERSION);
            assertThat(released.resolve(library + "-" + VERSION + ".pom"))
                    .as("%s %s in the file repository", library, VERSION)
                    .exists();
            if (!library.equals("nova-parent")) {
                assertThat(released.resolve(library + "-" + VERSION + ".jar")).exists();
            }
            Result tag = git(monorepo, "rev-parse", "-q", "--verify", "refs/tags/" + library + "-v" + VERSION);
            assertThat(tag.exit()).as("tag %s-v%s", library, VERSION).isZero();
        }
    }

    @Test
    @Order(2)
    void everyServiceBuildsAndTestsOnItsOwnAgainstTheReleasedArtifactsOnly() throws Exception {
        List<String> services;
        try (Stream<Path> folders = Files.list(monorepo.resolve("nova-services"))) {
            services = folders.filter(folder -> Files.exists(folder.resolve("Dockerfile")))
                    .map(folder -> folder.getFileName().toString())
                    .sorted()
                    .toList();
        }
        assertThat(services).contains("auth-service", "content-service");
        // Splits one at a time (each is a `git subtree split` in the same clone), and each split's
        // pipeline starts as soon as its split is made, two pipelines at a time: independent
        // repositories, local Maven repositories, containers and image tags, and two builds keep
        // this machine's two cores busy where one left half of them waiting on containers and the
        // disk (three at a time were no faster: SplitIT 635 s against 634 s with two, 2026-12-03). The splits (about 20
        // s each) overlap the pipelines instead of preceding them. Each
        // pipeline's time is measured beside another one's (the report says so).
        ExecutorService builds = Executors.newFixedThreadPool(PARALLEL_PIPELINES);
        try {
            Map<String, Future<Result>> running = new LinkedHashMap<>();
            for (String service : services) {
                Path split = work.resolve(service);
                Result made = nova(
                        monorepo,
                        service + "-split.log",
                        Duration.ofMinutes(2),
                        Map.of(),
                        "split",
                        service,
                        split.toString());
                assertThat(made.exit())
                        .as("./nova split %s:%n%s", service, made.tail())
                        .isZero();
                // At least every commit that touched the folder (the split adds one of its own).
                int folderCommits =
                        Integer.parseInt(git(monorepo, "rev-list", "--count", "HEAD", "--", "nova-services/" + service)
                                .output()
                                .strip());
                assertThat(Integer.parseInt(git(split, "rev-list", "--count", "HEAD")
                                .output()
                                .strip()))
                        .as("%s's history is kept", service)
                        .isGreaterThanOrEqualTo(folderCommits);
                assertThat(pathsOutside(split))
                        .as("files of %s that point outside it", service)
                        .isEmpty();
                Map<String, String> offline = Map.of(
                        "NOVA_MAVEN_ARGS",
                        "-o -Daether.offline.protocols=file -Dmaven.repo.local=" + localRepository(service)
                                + " -Dmaven.repo.local.tail=" + work.resolve("third-party"));
                running.put(
                        service,
                        builds.submit(() -> run(
                                split, work.resolve(service + "-pipeline.log"), PIPELINE_TIMEOUT, offline, ".ci/run")));
            }
            for (Map.Entry<String, Future<Result>> entry : running.entrySet()) {
                String service = entry.getKey();
                Result pipeline = entry.getValue().get();
                assertThat(pipeline.exit())
                        .as("%s's pipeline in its own repository:%n%s", service, pipeline.tail())
                        .isZero();
                assertThat(novaArtifactsFromTheFileRepository(localRepository(service)))
                        .as("Nova artifacts %s resolved, each from the file repository", service)
                        .contains("nova-parent", "nova-service-kit", "nova-contracts");
                pipelines.add(pipelineTime(service, pipeline.output()));
            }
        } finally {
            builds.shutdownNow();
        }
        String testRun = System.getenv(NovaReport.TEST_RUN);
        long started = testRun == null ? Instant.now().getEpochSecond() : Long.parseLong(testRun);
        ReportParts.saveCi(
                RunReport.DIRECTORY,
                new ReportParts.CiRun(testRun == null ? "none" : testRun, started, MONOREPO_TARGET_SECONDS, pipelines));
    }

    @Test
    @Order(3)
    void aSplitServiceMergesBackWithTheHistoryMadeInItsOwnRepository() throws Exception {
        Path split = work.resolve("content-service");
        Path readme = split.resolve("README.md");
        String line = "Changed in content-service's own repository at " + Instant.now() + ".";
        Files.writeString(readme, Files.readString(readme) + "\n" + line + "\n");
        assertThat(git(split, "commit", "-q", "-am", "README: a note written after the split")
                        .exit())
                .isZero();

        Result merged =
                nova(monorepo, "merge-back.log", Duration.ofMinutes(2), Map.of(), "merge-back", split.toString());
        assertThat(merged.exit()).as("./nova merge-back:%n%s", merged.tail()).isZero();

        Path folder = monorepo.resolve("nova-services/content-service");
        assertThat(Files.readString(folder.resolve("README.md"))).contains(line);
        assertThat(git(monorepo, "log", "--format=%s").output())
                .contains("README: a note written after the split")
                .contains("Merge back content-service");
        assertThat(folder.resolve("nova")).doesNotExist();
        assertThat(folder.resolve(".ci")).doesNotExist();
        assertThat(folder.resolve(".mvn")).doesNotExist();
        assertThat(folder.resolve("mvnw")).doesNotExist();
        assertThat(folder.resolve(".nova-split")).doesNotExist();
        assertThat(git(monorepo, "status", "--porcelain").output()).isBlank();
    }

    @Test
    @Order(4)
    void aReleaseThatBreaksTheApiNeedsAMajorVersion() throws Exception {
        Path library = monorepo.resolve("nova-shared/error-types");
        Path source = library.resolve("src/main/java/social/nova/errors/NovaException.java");
        String java = Files.readString(source);
        String published = "    public static NovaException alreadyExists(";
        assertThat(java).contains(published);
        // Still compiles inside its package, but callers outside it break.
        Files.writeString(source, java.replace(published, "    static NovaException alreadyExists("));
        setVersion(library, PATCH);
        commit("nova-error-types: alreadyExists is no longer public");

        Result minor = nova(
                monorepo,
                "release-" + PATCH + ".log",
                Duration.ofMinutes(3),
                Map.of("NOVA_MAVEN_ARGS", ""),
                "release",
                "nova-error-types",
                PATCH);
        assertThat(minor.exit()).as("a breaking %s:%n%s", PATCH, minor.tail()).isNotZero();
        assertThat(minor.output())
                .contains("alreadyExists")
                .contains("METHOD_LESS_ACCESSIBLE")
                .contains("a breaking change needs a major version (1.0.0)");
        assertThat(releases.resolve("social/nova/nova-error-types/" + PATCH)).doesNotExist();

        setVersion(library, "1.0.0");
        commit("nova-error-types 1.0.0");
        Result major = nova(
                monorepo,
                "release-1.0.0.log",
                Duration.ofMinutes(3),
                Map.of("NOVA_MAVEN_ARGS", ""),
                "release",
                "nova-error-types",
                "1.0.0");
        assertThat(major.exit()).as("a breaking 1.0.0:%n%s", major.tail()).isZero();
        assertThat(releases.resolve("social/nova/nova-error-types/1.0.0/nova-error-types-1.0.0.jar"))
                .exists();

        Result again = nova(
                monorepo,
                "release-again.log",
                Duration.ofMinutes(3),
                Map.of("NOVA_MAVEN_ARGS", ""),
                "release",
                "nova-error-types",
                "1.0.0");
        assertThat(again.exit()).isNotZero();
        assertThat(again.output()).contains("nova-error-types 1.0.0 is already released");
    }

    // --- helpers -----------------------------------------------------------------------------------

    private record Result(int exit, String output) {
        String tail() {
            List<String> lines = output.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }
    }

    private Path localRepository(String service) {
        return work.resolve("m2-" + service);
    }

    private Result nova(Path repository, String log, Duration timeout, Map<String, String> env, String... args)
            throws Exception {
        List<String> command = new ArrayList<>();
        command.add("./nova");
        command.addAll(List.of(args));
        return run(repository, work.resolve(log), timeout, env, command.toArray(String[]::new));
    }

    private Result git(Path repository, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git", "-C", repository.toString()));
        command.addAll(List.of(args));
        return run(
                repository, work.resolve("git.log"), Duration.ofMinutes(1), Map.of(), command.toArray(String[]::new));
    }

    private Result run(Path directory, Path log, Duration timeout, Map<String, String> env, String... command)
            throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> environment = builder.environment();
        // Maven's own variables of this build must not steer the nested ones.
        environment.keySet().removeIf(name -> name.startsWith("MAVEN_") && !name.equals("MAVEN_OPTS"));
        environment.put("NOVA_REPOSITORY_URL", releases.toUri().toString());
        environment.putIfAbsent("GIT_AUTHOR_NAME", "nova-harness");
        environment.putIfAbsent("GIT_AUTHOR_EMAIL", "nova-harness@localhost");
        environment.putIfAbsent("GIT_COMMITTER_NAME", "nova-harness");
        environment.putIfAbsent("GIT_COMMITTER_EMAIL", "nova-harness@localhost");
        environment.putAll(env);
        long before = Files.exists(log) ? Files.size(log) : 0;
        Process process = builder.start();
        boolean finished;
        try {
            finished = process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            // Another part failed and the pool was shut down: no build outlives the test.
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw e;
        }
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(
                    String.join(" ", command) + " took longer than " + timeout + " (log: " + log + ")");
        }
        byte[] all = Files.readAllBytes(log);
        String output = new String(all, (int) before, all.length - (int) before, StandardCharsets.UTF_8);
        return new Result(process.exitValue(), output);
    }

    private void setVersion(Path module, String version) throws IOException {
        Path pom = module.resolve("pom.xml");
        String xml = Files.readString(pom);
        String artifact = "<artifactId>nova-error-types</artifactId>";
        String withVersion = xml.replaceFirst(
                "(?s)" + Pattern.quote(artifact) + "\\s*(<version>[^<]*</version>)?",
                Matcher.quoteReplacement(artifact + "\n    <version>" + version + "</version>"));
        Files.writeString(pom, withVersion);
    }

    private void commit(String message) throws Exception {
        assertThat(git(monorepo, "commit", "-q", "-am", message).exit()).isZero();
    }

    /** Files of a split repository that reach outside it: parent folders, or the monorepo's path. */
    private List<String> pathsOutside(Path split) throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(split)) {
            for (Path file : files.filter(Files::isRegularFile)
                    .filter(file -> !split.relativize(file).startsWith(".git"))
                    .filter(file -> !split.relativize(file).startsWith("target"))
                    // Where the split came from, for ./nova merge-back: a record, not a path used.
                    .filter(file -> !split.relativize(file).toString().equals(".nova-split"))
                    .toList()) {
                String text = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String outside : List.of("../", root.toString(), "nova-shared/", "nova-services/")) {
                    if (text.contains(outside)) {
                        found.add(split.relativize(file) + " mentions " + outside);
                    }
                }
                if (text.contains("<relativePath>")) {
                    found.add(split.relativize(file) + " has a relativePath");
                }
            }
        }
        return found;
    }

    /** The Nova artifacts in a local repository that came from the file repository (server id "nova"). */
    private static List<String> novaArtifactsFromTheFileRepository(Path localRepository) throws IOException {
        Path nova = localRepository.resolve("social/nova");
        if (!Files.isDirectory(nova)) {
            return List.of();
        }
        List<String> artifacts = new ArrayList<>();
        try (Stream<Path> markers = Files.walk(nova)) {
            for (Path marker : markers.filter(path -> path.endsWith("_remote.repositories"))
                    .toList()) {
                String artifact = String.valueOf(marker.getParent().getParent().getFileName());
                assertThat(Files.readString(marker))
                        .as("where %s came from", artifact)
                        .contains(">nova=");
                artifacts.add(artifact);
            }
        }
        return artifacts;
    }

    private static ReportParts.Pipeline pipelineTime(String service, String output) {
        Matcher time = PIPELINE_TIME.matcher(output);
        assertThat(time.find()).as("%s's pipeline prints its time", service).isTrue();
        Map<String, Long> stages = new LinkedHashMap<>();
        for (String stage : time.group(3).split(" ")) {
            String[] pair = stage.split("=");
            stages.put(pair[0], Long.parseLong(pair[1]));
        }
        assertThat(stages.keySet()).containsExactly("quality+build+unit+integration", "contract-gate", "image");
        return new ReportParts.Pipeline(
                service, Long.parseLong(time.group(2)), stages, TARGETS.getOrDefault(service, SERVICE_TARGET_SECONDS));
    }
}
