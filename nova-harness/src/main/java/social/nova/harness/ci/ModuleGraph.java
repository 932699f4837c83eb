package social.nova.harness.ci;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Nova's Maven modules and what depends on what, read from every {@code pom.xml} of the
 * repository (the JDK's XML parser; no Maven run): for each module its folder, its artifactId, its
 * parent and the {@code social.nova} artifacts it depends on in any scope. Aggregator POMs (packaging
 * {@code pom} with modules, no code) are not modules of their own here; {@code nova-parent} is, since
 * every module inherits it.
 *
 * <p>{@code nova-harness} is a consumer of every service and library even though its POM does not
 * name them: it builds their images and runs the whole stack. The sample downstream project
 * ({@code contracts/downstream-sample}) depends on published artifacts only and is left out, as are
 * build outputs and installed tools.
 */
public final class ModuleGraph {
    /** The module that runs the whole stack: affected by every change to a module. */
    public static final String HARNESS = "nova-harness";

    private static final String GROUP = "social.nova";
    private static final Set<String> SKIPPED = Set.of("target", ".tools", ".git", "node_modules", "downstream-sample");

    /**
     * One module.
     *
     * @param path      its folder relative to the repository, with '/' ({@code nova-shared/rpc})
     * @param artifact  its artifactId
     * @param dependsOn artifactIds of the {@code social.nova} artifacts it uses, its parent included
     */
    public record Module(String path, String artifact, Set<String> dependsOn) {
        public Module {
            dependsOn = Set.copyOf(dependsOn);
        }
    }

    private final Map<String, Module> byArtifact;

    private ModuleGraph(Map<String, Module> byArtifact) {
        this.byArtifact = byArtifact;
    }

    /** Reads every module under {@code root}. */
    public static ModuleGraph read(Path root) {
        Map<String, Module> modules = new LinkedHashMap<>();
        try (Stream<Path> poms = Files.walk(root)) {
            List<Path> found = poms.filter(path -> path.endsWith("pom.xml"))
                    .filter(path -> !skipped(root.relativize(path)))
                    .sorted()
                    .toList();
            for (Path pom : found) {
                parse(root, pom).ifPresent(module -> modules.put(module.artifact(), module));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the POMs under " + root, e);
        }
        return new ModuleGraph(modules);
    }

    public List<Module> modules() {
        return byArtifact.values().stream()
                .sorted(Comparator.comparing(Module::path))
                .toList();
    }

    /** The module whose folder holds {@code file} (the innermost), if any. */
    public Optional<Module> owner(String file) {
        return byArtifact.values().stream()
                .filter(module -> file.startsWith(module.path() + "/"))
                .max(Comparator.comparingInt(module -> module.path().length()));
    }

    /** {@code changed} and every module that depends on one of them, directly or not; the harness with any. */
    public Set<Module> withDependents(Set<Module> changed) {
        Set<String> affected = new LinkedHashSet<>();
        changed.forEach(module -> affected.add(module.artifact()));
        boolean grew = true;
        while (grew) {
            grew = false;
            for (Module module : byArtifact.values()) {
                if (!affected.contains(module.artifact())
                        && module.dependsOn().stream().anyMatch(affected::contains)) {
                    affected.add(module.artifact());
                    grew = true;
                }
            }
        }
        if (!affected.isEmpty() && byArtifact.containsKey(HARNESS)) {
            affected.add(HARNESS);
        }
        Set<Module> result = new TreeSet<>(Comparator.comparing(Module::path));
        affected.forEach(artifact -> result.add(byArtifact.get(artifact)));
        return result;
    }

    public Set<Module> all() {
        Set<Module> all = new TreeSet<>(Comparator.comparing(Module::path));
        all.addAll(byArtifact.values());
        return all;
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED.contains(part.toString())) {
                return true;
            }
        }
        return false;
    }

    private static Optional<Module> parse(Path root, Path pom) {
        Document document;
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            document = factory.newDocumentBuilder().parse(pom.toFile());
        } catch (ParserConfigurationException | SAXException | IOException e) {
            throw new IllegalStateException("cannot read " + pom + ": " + e.getMessage(), e);
        }
        Element project = document.getDocumentElement();
        String packaging = text(project, "packaging").orElse("jar");
        boolean aggregator = "pom".equals(packaging)
                && child(project, "modules").isPresent()
                && child(project, "dependencyManagement").isEmpty();
        if (aggregator) {
            return Optional.empty();
        }
        String artifact =
                text(project, "artifactId").orElseThrow(() -> new IllegalStateException(pom + " has no artifactId"));
        Set<String> dependsOn = new TreeSet<>();
        child(project, "parent")
                .filter(parent -> text(parent, "groupId").filter(GROUP::equals).isPresent())
                .flatMap(parent -> text(parent, "artifactId"))
                .ifPresent(dependsOn::add);
        child(project, "dependencies").ifPresent(dependencies -> {
            for (Element dependency : children(dependencies, "dependency")) {
                if (text(dependency, "groupId").filter(GROUP::equals).isPresent()) {
                    text(dependency, "artifactId").ifPresent(dependsOn::add);
                }
            }
        });
        String path = root.relativize(pom.getParent()).toString().replace('\\', '/');
        return Optional.of(new Module(path, artifact, dependsOn));
    }

    private static Optional<Element> child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? Optional.empty() : Optional.of(found.getFirst());
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node node = nodes.item(i);
            if (node instanceof Element element && element.getTagName().equals(name)) {
                found.add(element);
            }
        }
        return found;
    }

    private static Optional<String> text(Element parent, String name) {
        return child(parent, name).map(element -> element.getTextContent().strip());
    }
}
