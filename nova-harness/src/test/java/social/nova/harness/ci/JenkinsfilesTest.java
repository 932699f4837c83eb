package social.nova.harness.ci;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import social.nova.harness.ci.JenkinsfileChecker.Kind;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Guards Nova's Jenkinsfiles, which Jenkins alone runs (and cannot run here): every service of
 * {@code nova-services} and every library of {@code nova-shared} (and {@code contracts}) has one; each
 * is valid Groovy (Groovy's own parser, so a syntax error fails here with its file and line, not on the
 * CI server); each declares its kind's stages, exactly and in order; and every step of a module's
 * pipeline is a {@code ./nova ci <stage> <artifactId>} command naming that module's own artifactId (a
 * Jenkinsfile copied from another module fails). The root Jenkinsfile runs what a change affects:
 * {@code Affected}, {@code Build}, {@code Pipelines}, {@code Stack tests}. The checks themselves are in
 * {@link JenkinsfileChecker}; the last tests prove they catch what they are for.
 */
class JenkinsfilesTest {
    private static final Set<String> SKIPPED = Set.of("target", ".git", ".tools", "node_modules");
    private static final List<String> SERVICE_STAGES = Kind.SERVICE.stages();

    private static Path root;
    private static List<Path> jenkinsfiles;

    @BeforeAll
    static void findTheJenkinsfiles() throws IOException {
        root = repository();
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                return SKIPPED.contains(dir.getFileName().toString())
                        ? FileVisitResult.SKIP_SUBTREE
                        : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (file.getFileName().toString().equals("Jenkinsfile")) {
                    found.add(root.relativize(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        jenkinsfiles = found.stream().sorted().toList();
    }

    @Test
    void everyServiceAndLibraryHasAJenkinsfile() throws IOException {
        List<String> modules = new ArrayList<>();
        modules.addAll(modulesIn("nova-services"));
        modules.addAll(modulesIn("nova-shared"));
        modules.add("contracts");
        Set<String> withJenkinsfile =
                jenkinsfiles.stream().map(JenkinsfilesTest::folder).collect(Collectors.toSet());

        assertThat(modules)
                .as("the services and libraries under %s", root)
                .contains("nova-services/auth-service", "nova-shared/nova-parent", "contracts");
        assertThat(modules)
                .as("services and libraries without a Jenkinsfile (every one has its own pipeline: copy "
                        + "one of its kind's and name the module's artifactId in it)")
                .filteredOn(m -> !withJenkinsfile.contains(m))
                .isEmpty();
        assertThat(withJenkinsfile).as("the monorepo's own Jenkinsfile").contains("");
    }

    @TestFactory
    Stream<DynamicTest> everyJenkinsfileIsGroovyAndDeclaresItsStages() {
        assertThat(jenkinsfiles).as("the Jenkinsfiles under %s", root).isNotEmpty();
        return jenkinsfiles.stream()
                .map(file -> DynamicTest.dynamicTest(file.toString(), () -> {
                    String name = slashes(file);
                    String text = Files.readString(root.resolve(file));
                    String folder = folder(file);
                    List<String> problems = kind(folder)
                            .map(kind -> JenkinsfileChecker.problems(name, text, kind, artifactId(folder, kind)))
                            .orElseGet(() -> JenkinsfileChecker.syntaxProblems(name, text));
                    assertThat(problems).as("the problems of %s", name).isEmpty();
                }));
    }

    @Test
    void theServiceTemplateOfTheNegativeTestsPasses() {
        assertThat(JenkinsfileChecker.problems(
                        "auth-service/Jenkinsfile",
                        service("auth-service", SERVICE_STAGES),
                        Kind.SERVICE,
                        "auth-service"))
                .isEmpty();
    }

    @Test
    void aSyntaxErrorIsRejectedWithItsLine() {
        String valid = service("auth-service", SERVICE_STAGES);
        String missingBrace = valid.substring(0, valid.stripTrailing().lastIndexOf('}'));
        int pipelineLine = valid.lines().toList().indexOf("pipeline {") + 1;

        assertThat(JenkinsfileChecker.problems("auth-service/Jenkinsfile", missingBrace, Kind.SERVICE, "auth-service"))
                .singleElement()
                .asString()
                .contains("not valid Groovy", "auth-service/Jenkinsfile, line " + pipelineLine + ",", "pipeline {");
        String unterminated = valid.replace("sh './nova ci build auth-service'", "sh './nova ci build auth-service");
        int buildLine = valid.lines().toList().indexOf("                sh './nova ci build auth-service'") + 1;
        assertThatThrownBy(() -> JenkinsfileChecker.parse("auth-service/Jenkinsfile", unterminated))
                .isInstanceOf(JenkinsfileChecker.SyntaxError.class)
                .hasMessageContaining("auth-service/Jenkinsfile, line " + buildLine + ",");
    }

    @Test
    void aServiceWithoutItsContractGateIsRejected() {
        List<String> stages = SERVICE_STAGES.stream()
                .filter(stage -> !stage.equals("Contract gate"))
                .toList();

        assertThat(JenkinsfileChecker.problems(
                        "auth-service/Jenkinsfile", service("auth-service", stages), Kind.SERVICE, "auth-service"))
                .singleElement()
                .asString()
                .contains("declares the stages " + stages, "a service has exactly " + SERVICE_STAGES);
    }

    @Test
    void aStepNamingAnotherModuleIsRejected() {
        String copied = service("auth-service", SERVICE_STAGES)
                .replace("sh './nova ci build auth-service'", "sh './nova ci build user-service'");

        assertThat(JenkinsfileChecker.problems("auth-service/Jenkinsfile", copied, Kind.SERVICE, "auth-service"))
                .singleElement()
                .asString()
                .contains("runs `./nova ci build user-service`, naming user-service", "pipeline of auth-service");
    }

    @Test
    void aPublishOnEveryBranchAStepOutsideNovaCiAndAMonorepoPathAreRejected() {
        String publishOnMain = "when { branch 'main' }\n            steps {\n                sh './nova ci publish";
        String changed = service("auth-service", SERVICE_STAGES)
                .replace(publishOnMain, "steps {\n                sh './nova ci publish")
                .replace("sh './nova ci unit auth-service'", "sh './mvnw -f nova-services/auth-service test'");

        assertThat(JenkinsfileChecker.problems("auth-service/Jenkinsfile", changed, Kind.SERVICE, "auth-service"))
                .anySatisfy(problem -> assertThat(problem).contains("stage 'Publish' runs on every branch"))
                .anySatisfy(problem -> assertThat(problem).contains("runs `./mvnw -f nova-services/auth-service test`"))
                .anySatisfy(problem -> assertThat(problem).contains("mentions `nova-services/`"));
    }

    /** A service's Jenkinsfile with these stages, each running its {@code ./nova ci} command. */
    private static String service(String artifactId, List<String> stages) {
        StringBuilder text = new StringBuilder("""
                // A test's Jenkinsfile.
                pipeline {
                    agent any
                    options {
                        timeout(time: 60, unit: 'MINUTES')
                    }
                    stages {
                """);
        for (String stage : stages) {
            String command = switch (stage) {
                case "Unit tests" -> "unit";
                case "Integration tests" -> "integration";
                case "Contract gate" -> "contract-gate";
                default -> stage.toLowerCase();
            };
            text.append("        stage('").append(stage).append("') {\n");
            if (stage.equals("Publish") || stage.equals("Deploy")) {
                text.append("            when { branch 'main' }\n");
            }
            text.append("            steps {\n                sh './nova ci ")
                    .append(command)
                    .append(' ')
                    .append(artifactId)
                    .append("'\n            }\n        }\n");
        }
        return text.append("    }\n}\n").toString();
    }

    /** The folder of a Jenkinsfile, relative to the repository with '/' ("" for the root). */
    private static String folder(Path jenkinsfile) {
        return jenkinsfile.getParent() == null ? "" : slashes(jenkinsfile.getParent());
    }

    /** What a folder's Jenkinsfile is the pipeline of; empty for a folder no rule is about (syntax only). */
    private static Optional<Kind> kind(String folder) {
        if (folder.isEmpty()) {
            return Optional.of(Kind.ROOT);
        }
        if (folder.equals("contracts")) {
            return Optional.of(Kind.CONTRACTS);
        }
        boolean module = Files.isRegularFile(root.resolve(folder).resolve("pom.xml"))
                && folder.chars().filter(c -> c == '/').count() == 1;
        if (module && folder.startsWith("nova-services/")) {
            return Optional.of(Kind.SERVICE);
        }
        if (module && folder.startsWith("nova-shared/")) {
            return Optional.of(Kind.LIBRARY);
        }
        return Optional.empty();
    }

    /** The folders (nova-services/auth-service) of the modules directly under {@code parent}. */
    private static List<String> modulesIn(String parent) throws IOException {
        try (Stream<Path> folders = Files.list(root.resolve(parent))) {
            return folders.filter(folder -> Files.isRegularFile(folder.resolve("pom.xml")))
                    .map(folder -> parent + "/" + folder.getFileName())
                    .sorted()
                    .toList();
        }
    }

    /** The artifactId of the module in {@code folder}, from its pom.xml (not its parent's). */
    private static String artifactId(String folder, Kind kind) {
        if (kind == Kind.ROOT) {
            return "";
        }
        Path pom = root.resolve(folder).resolve("pom.xml");
        try {
            Element project = DocumentBuilderFactory.newInstance()
                    .newDocumentBuilder()
                    .parse(pom.toFile())
                    .getDocumentElement();
            for (Node child = project.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element element && element.getTagName().equals("artifactId")) {
                    return element.getTextContent().strip();
                }
            }
        } catch (Exception e) {
            throw new AssertionError("cannot read " + pom, e);
        }
        throw new AssertionError(pom + " has no <artifactId>");
    }

    /** The repository: {@code nova.root}, else the nearest folder up holding nova-shared and nova-services. */
    private static Path repository() {
        String configured = System.getProperty("nova.root");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("nova-shared")) && Files.isDirectory(dir.resolve("nova-services"))) {
                return dir;
            }
        }
        throw new AssertionError("no folder holding nova-shared/ and nova-services/ above "
                + Path.of("").toAbsolutePath() + " (set -Dnova.root)");
    }

    private static String slashes(Path path) {
        return path.toString().replace('\\', '/');
    }
}
