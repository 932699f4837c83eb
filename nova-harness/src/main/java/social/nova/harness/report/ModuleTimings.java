package social.nova.harness.report;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * How long each module's tests took, from the reports Maven's surefire (unit tests) and failsafe
 * (integration tests) leave in {@code <module>/target/{surefire,failsafe}-reports/TEST-*.xml}: the
 * sum of each suite's {@code time}, with its test, failure, error and skip counts. Compiling and
 * packaging are not in these files (Maven records them nowhere), so they are not counted.
 */
public final class ModuleTimings {
    /** How deep below the root a module's pom.xml may lie ({@code nova-shared/rpc/pom.xml} is 3). */
    private static final int MODULE_DEPTH = 3;
    /** Where SplitIT leaves each split service's repository (and its build's reports). */
    private static final String SPLIT_BUILDS = "nova-harness/target/split-it";

    private static final Set<String> NOT_MODULES = Set.of("target", "src", "node_modules", ".git", ".mvn");
    private static final XMLInputFactory XML = XMLInputFactory.newFactory();

    static {
        XML.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        XML.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
    }

    private ModuleTimings() {}

    /**
     * One module's tests.
     *
     * @param module             its folder relative to the root, e.g. {@code nova-shared/rpc}
     * @param reportedAt         when its newest report was written (reports of an earlier run stay until rebuilt)
     */
    public record ModuleTiming(
            String module,
            int unitTests,
            double unitSeconds,
            int integrationTests,
            double integrationSeconds,
            int failures,
            int errors,
            int skipped,
            String reportedAt) {
        public double totalSeconds() {
            return unitSeconds + integrationSeconds;
        }
    }

    /** The suites of one kind (surefire or failsafe) in one module. */
    private record Suites(int tests, double seconds, int failures, int errors, int skipped, Instant newest) {
        static final Suites NONE = new Suites(0, 0, 0, 0, 0, Instant.EPOCH);

        Suites plus(Suites other) {
            return new Suites(
                    tests + other.tests,
                    seconds + other.seconds,
                    failures + other.failures,
                    errors + other.errors,
                    skipped + other.skipped,
                    newest.isAfter(other.newest) ? newest : other.newest);
        }
    }

    /** Every module under {@code root} that has test reports, in folder order. */
    public static List<ModuleTiming> read(Path root) {
        List<ModuleTiming> timings = new ArrayList<>();
        for (Path module : modules(root)) {
            Suites unit = suites(module.resolve("target/surefire-reports"));
            Suites integration = suites(module.resolve("target/failsafe-reports"));
            if (integration.tests() == 0) {
                // Under ./nova test a service's *IT classes run once, in its split repository's
                // pipeline (nova-harness SplitIT), not in the monorepo's build: their reports are there.
                integration = suites(root.resolve(SPLIT_BUILDS)
                        .resolve(module.getFileName().toString())
                        .resolve("target/failsafe-reports"));
            }
            if (unit.tests() + integration.tests() == 0) {
                continue;
            }
            Suites all = unit.plus(integration);
            String name = root.relativize(module).toString().replace('\\', '/');
            timings.add(new ModuleTiming(
                    name.isEmpty() ? "." : name,
                    unit.tests(),
                    round(unit.seconds()),
                    integration.tests(),
                    round(integration.seconds()),
                    all.failures(),
                    all.errors(),
                    all.skipped(),
                    all.newest().toString()));
        }
        return timings;
    }

    private static List<Path> modules(Path root) {
        try (Stream<Path> poms = Files.find(
                root,
                MODULE_DEPTH + 1,
                (path, attributes) -> path.endsWith("pom.xml")
                        && attributes.isRegularFile()
                        && !underIgnoredFolder(root.relativize(path)))) {
            return poms.map(Path::getParent)
                    .sorted(Comparator.comparing(Path::toString))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot look for modules under " + root, e);
        }
    }

    private static boolean underIgnoredFolder(Path relative) {
        for (Path part : relative) {
            if (NOT_MODULES.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static Suites suites(Path reports) {
        if (!Files.isDirectory(reports)) {
            return Suites.NONE;
        }
        try (Stream<Path> files = Files.list(reports)) {
            return files.filter(file -> String.valueOf(file.getFileName()).matches("TEST-.*\\.xml"))
                    .map(ModuleTimings::suite)
                    .flatMap(Optional::stream)
                    .reduce(Suites.NONE, Suites::plus);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + reports, e);
        }
    }

    /** The attributes of the root {@code testsuite} element; the rest of the file is not read. */
    static Optional<Suites> suite(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            XMLStreamReader reader = XML.createXMLStreamReader(in);
            try {
                while (reader.hasNext()) {
                    if (reader.next() == XMLStreamConstants.START_ELEMENT) {
                        if (!"testsuite".equals(reader.getLocalName())) {
                            return Optional.empty();
                        }
                        return Optional.of(new Suites(
                                number(reader, "tests"),
                                decimal(reader, "time"),
                                number(reader, "failures"),
                                number(reader, "errors"),
                                number(reader, "skipped"),
                                Files.getLastModifiedTime(file).toInstant()));
                    }
                }
                return Optional.empty();
            } finally {
                reader.close();
            }
        } catch (IOException | XMLStreamException | NumberFormatException e) {
            // A report being written by a build that runs now, or not a surefire report: leave it out.
            return Optional.empty();
        }
    }

    private static int number(XMLStreamReader reader, String attribute) {
        String value = reader.getAttributeValue(null, attribute);
        return value == null || value.isBlank() ? 0 : Integer.parseInt(value.strip());
    }

    private static double decimal(XMLStreamReader reader, String attribute) {
        String value = reader.getAttributeValue(null, attribute);
        // Surefire writes times with a locale's grouping ("1,234.5") in some versions.
        return value == null || value.isBlank()
                ? 0
                : Double.parseDouble(value.strip().replace(",", ""));
    }

    private static double round(double seconds) {
        return Math.round(seconds * 10) / 10.0;
    }
}
