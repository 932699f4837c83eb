package social.nova.harness.ci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import social.nova.harness.ci.ModuleGraph.Module;

/**
 * {@code ./nova ci affected --base <rev>}: the modules a change since {@code <rev>} affects, the
 * set CI builds and tests: each module with a changed file, every module that depends on one of
 * them (through the module graph of the POMs: a change in {@code nova-shared/rpc} takes the service
 * kit and every service with it; one in {@code contracts} every consumer), and {@code nova-harness}
 * whenever any module is affected, since it runs them all together.
 *
 * <p>Files outside every module: documentation ({@code *.md}) affects nothing; {@code consul/} (the
 * platform image) and {@code contracts/downstream-sample/} (built and verified by the harness) affect
 * the harness; anything else at the root ({@code nova}, {@code scripts/}, {@code .ci/}, the Maven
 * wrapper, the aggregator POMs, {@code Jenkinsfile}) affects every module.
 */
public final class AffectedModules {
    private static final String SAMPLE = "contracts/downstream-sample/";
    private static final long GIT_SECONDS = 60;

    private AffectedModules() {}

    /** The modules {@code changedFiles} (paths relative to the repository, '/'-separated) affect. */
    public static Set<Module> of(ModuleGraph graph, List<String> changedFiles) {
        Set<Module> changed = new TreeSet<>(Comparator.comparing(Module::path));
        boolean harness = false;
        for (String file : changedFiles) {
            if (file.startsWith(SAMPLE) || file.startsWith("consul/")) {
                harness = true;
                continue;
            }
            var owner = graph.owner(file);
            if (owner.isPresent()) {
                changed.add(owner.get());
            } else if (!file.endsWith(".md")) {
                return graph.all();
            }
        }
        Set<Module> affected = graph.withDependents(changed);
        if (harness) {
            graph.modules().stream()
                    .filter(m -> m.artifact().equals(ModuleGraph.HARNESS))
                    .forEach(affected::add);
        }
        return affected;
    }

    /** Files changed between {@code base} and the working tree ({@code git diff --name-only base}). */
    public static List<String> changedFiles(Path root, String base) {
        List<String> command = List.of("git", "-C", root.toString(), "diff", "--name-only", base);
        try {
            Process git = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!git.waitFor(GIT_SECONDS, TimeUnit.SECONDS) || git.exitValue() != 0) {
                throw new IllegalArgumentException("git diff --name-only " + base + " failed: " + output.strip());
            }
            return output.lines().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run git", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running git", e);
        }
    }

    /**
     * Prints the affected modules' folders, one per line ({@code --maven}: one {@code -pl} list;
     * {@code --artifacts}: their artifactIds, one per line, as the root Jenkinsfile wants them).
     */
    public static void main(String[] args) {
        String base = null;
        boolean maven = false;
        boolean artifacts = false;
        Path root =
                Path.of(System.getProperty("nova.root", ".")).toAbsolutePath().normalize();
        List<String> rest = new ArrayList<>(List.of(args));
        for (int i = 0; i < rest.size(); i++) {
            switch (rest.get(i)) {
                case "--base" -> base = i + 1 < rest.size() ? rest.get(++i) : null;
                case "--maven" -> maven = true;
                case "--artifacts" -> artifacts = true;
                default -> {
                    System.err.println("unknown argument " + rest.get(i));
                    System.exit(2);
                }
            }
        }
        if (base == null) {
            System.err.println("usage: ./nova ci affected --base <rev> [--maven | --artifacts]");
            System.exit(2);
        }
        try {
            Set<Module> affected = of(ModuleGraph.read(root), changedFiles(root, base));
            List<String> paths = affected.stream().map(Module::path).toList();
            if (artifacts) {
                affected.stream().map(Module::artifact).forEach(System.out::println);
            } else if (maven) {
                System.out.println(String.join(",", paths));
            } else {
                paths.forEach(System.out::println);
            }
        } catch (RuntimeException e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }
}
