package social.nova.contracts;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract gate with the real buf CLI: the contracts pass {@code buf lint} (rules in
 * {@code buf.yaml}) and {@code buf breaking} against the last release ({@code releases/}, one buf
 * image per {@code contracts-vX.Y.Z} tag). Known breaking changes, applied to a copy, fail the gate
 * and are named; an additive one passes.
 */
class ContractGateTest {
    /** The buf the project pins; ./nova doctor installs it (npm @bufbuild/buf) under .tools/. */
    static final String BUF_VERSION = "1.75.0";

    private static final Path CONTRACTS = Path.of("").toAbsolutePath();
    private static final String PAGE_REQUEST = "src/main/proto/nova/common/v1/common.proto";
    private static final String USER = "src/main/proto/nova/user/v1/user.proto";

    @TempDir
    Path copy;

    @Test
    void theContractsPassLint() throws Exception {
        Result lint = buf(CONTRACTS, "lint");
        assertThat(lint.exitCode()).as(lint.output()).isZero();
    }

    @Test
    void theContractsAreCompatibleWithTheLastRelease() throws Exception {
        Result breaking = breaking(CONTRACTS);
        assertThat(breaking.exitCode()).as(breaking.output()).isZero();
    }

    /** A known breaking change: in {@code file}, {@code from} becomes {@code to}; buf must say {@code named}. */
    record BreakingChange(String file, String from, String to, String named) {}

    static Stream<Named<BreakingChange>> breakingChanges() {
        return Stream.of(
                Named.of(
                        "a removed field",
                        new BreakingChange(
                                PAGE_REQUEST,
                                "  string cursor = 2;\n",
                                "",
                                "Previously present field \"2\" with name \"cursor\" on message \"PageRequest\" was deleted")),
                Named.of(
                        "a changed field type",
                        new BreakingChange(
                                PAGE_REQUEST,
                                "  int32 limit = 1;\n",
                                "  string limit = 1;\n",
                                "\"limit\" on message \"PageRequest\" changed type from \"int32\" to \"string\"")),
                Named.of(
                        "a renamed RPC",
                        new BreakingChange(
                                USER,
                                "  rpc GetUser(GetUserRequest)",
                                "  rpc FetchUser(GetUserRequest)",
                                "Previously present RPC \"GetUser\" on service \"UserService\" was deleted")));
    }

    @ParameterizedTest(name = "{0} fails the gate and is named")
    @MethodSource("breakingChanges")
    void aBreakingChangeFailsTheGateAndIsNamed(BreakingChange change) throws Exception {
        copyContracts();
        edit(change.file(), change.from(), change.to());

        Result breaking = breaking(copy);

        assertThat(breaking.exitCode()).isNotZero();
        assertThat(breaking.output()).contains(change.named());
    }

    @Test
    void anAdditiveChangePassesTheGate() throws Exception {
        copyContracts();
        edit(USER, "message GetUserRequest {\n", """
                message GetUserRequest {
                  // Added: a field a new client may send and an old server ignores.
                  bool include_counts = 15;
                """);
        Files.writeString(copy.resolve(USER), """

                // Added: a message nothing used before.
                message UserBadge {
                  string name = 1;
                }
                """, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);

        Result breaking = breaking(copy);
        Result lint = buf(copy, "lint");

        assertThat(breaking.exitCode()).as(breaking.output()).isZero();
        assertThat(lint.exitCode()).as(lint.output()).isZero();
    }

    /** {@code buf breaking} of the contracts in {@code dir} against the newest release image. */
    private static Result breaking(Path dir) throws Exception {
        return buf(dir, "breaking", "--against", latestRelease(dir).toString());
    }

    static Path latestRelease(Path dir) throws IOException {
        try (Stream<Path> releases = Files.list(dir.resolve("releases"))) {
            return releases.filter(
                            path -> path.getFileName().toString().matches("contracts-v\\d+\\.\\d+\\.\\d+\\.binpb"))
                    .max(Comparator.comparing(ContractGateTest::version))
                    .orElseThrow(() -> new IllegalStateException("no release image in " + dir.resolve("releases")));
        }
    }

    /** contracts-v1.10.2.binpb sorts after contracts-v1.9.0.binpb. */
    private static String version(Path release) {
        String[] parts = release.getFileName()
                .toString()
                .replaceAll("^contracts-v|\\.binpb$", "")
                .split("\\.");
        return String.format(
                "%09d%09d%09d", Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
    }

    private void copyContracts() throws IOException {
        for (String part : List.of("buf.yaml", "src/main/proto", "releases")) {
            Path from = CONTRACTS.resolve(part);
            try (Stream<Path> files = Files.walk(from)) {
                for (Path file : files.toList()) {
                    Path to = copy.resolve(CONTRACTS.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.createDirectories(to.getParent());
                        Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
    }

    private void edit(String file, String from, String to) throws IOException {
        Path path = copy.resolve(file);
        String text = Files.readString(path);
        assertThat(text)
                .as("%s still contains the line this test changes", file)
                .contains(from);
        Files.writeString(path, text.replace(from, to));
    }

    record Result(int exitCode, String output) {}

    static Result buf(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(executable());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("buf " + String.join(" ", args) + " did not finish in 2 minutes");
        }
        return new Result(process.exitValue(), output);
    }

    /**
     * {@code NOVA_BUF} (./nova sets it), else the pinned buf under the repository's .tools/, else
     * {@code buf} on the PATH; its version must be the pinned one.
     */
    static String executable() throws Exception {
        String fromEnvironment = System.getenv("NOVA_BUF");
        Path pinned = CONTRACTS.getParent().resolve(".tools/buf-" + BUF_VERSION + "/node_modules/.bin/buf");
        String buf = fromEnvironment != null && !fromEnvironment.isBlank()
                ? fromEnvironment
                : Files.isExecutable(pinned) ? pinned.toString() : "buf";
        Process version;
        try {
            version = new ProcessBuilder(buf, "--version")
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "no buf CLI (" + buf + "): run ./nova doctor, which installs buf " + BUF_VERSION
                            + " with npm, or set NOVA_BUF",
                    e);
        }
        String printed = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        version.waitFor(30, TimeUnit.SECONDS);
        if (!BUF_VERSION.equals(printed)) {
            throw new IllegalStateException(buf + " is buf " + printed + ", the gate pins " + BUF_VERSION
                    + ": run ./nova doctor or set NOVA_BUF");
        }
        return buf;
    }
}
