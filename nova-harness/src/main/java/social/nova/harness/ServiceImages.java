package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;

/**
 * Builds each service's image from its own Dockerfile, with {@code BASE_IMAGE} set to the platform's
 * Java runtime, and reuses an image whose inputs did not change.
 *
 * <p>The build context is only what a service Dockerfile copies: {@code Dockerfile},
 * {@code target/<folder>.jar}, {@code target/libs/} and {@code target/jvm.options} (the container's JVM
 * settings, which nova-parent writes). Its hash, with the base image's id and the
 * git commit, is the image's {@value #CONTEXT_HASH_LABEL} label: an image with the same label is
 * reused, so only services whose jar (or libraries) changed are rebuilt.
 */
public final class ServiceImages {
    public static final String CONTEXT_HASH_LABEL = ContextImages.CONTEXT_HASH_LABEL;

    private final ContextImages images;
    private final Path root;
    private final String baseImage;
    private final String gitCommit;

    /**
     * @param baseImage the Java 21 runtime image passed as {@code BASE_IMAGE}
     * @param gitCommit passed as {@code GIT_COMMIT}: the services publish it as Consul meta
     */
    public ServiceImages(DockerClient docker, Path root, String baseImage, String gitCommit) {
        this.images = new ContextImages(docker);
        this.root = Objects.requireNonNull(root, "root");
        this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
        this.gitCommit = Objects.requireNonNull(gitCommit, "gitCommit");
    }

    /** An image ready to run. */
    public record ServiceImage(String tag, String id, boolean built) {}

    /** The service's image: the existing one if its inputs are unchanged, else a fresh build. */
    public ServiceImage ensure(ServiceSpec service) {
        if (!service.isBuilt(root)) {
            throw new IllegalStateException(service.name() + " is not built: " + service.jar(root)
                    + " is missing (./mvnw install -DskipTests -pl " + service.module() + ")");
        }
        SortedMap<String, Path> context = context(service);
        String hash = ContextImages.hash(
                context,
                "BASE_IMAGE=" + baseImage + "@" + images.imageId(baseImage).orElse("(to be pulled)"),
                "GIT_COMMIT=" + gitCommit);
        ContextImages.Built image = images.ensure(
                service.image(),
                hash,
                context,
                Map.of("BASE_IMAGE", baseImage, "GIT_COMMIT", gitCommit),
                Map.of(StackIdentity.SERVICE_LABEL, service.name()),
                service.module());
        return new ServiceImage(service.image(), image.id(), image.built());
    }

    /** What a service Dockerfile copies: the Dockerfile, the jar, its JVM settings and its libraries. */
    private SortedMap<String, Path> context(ServiceSpec service) {
        SortedMap<String, Path> files = new TreeMap<>();
        files.put("Dockerfile", service.dockerfile(root));
        files.put("target/" + service.jar(root).getFileName(), service.jar(root));
        files.put("target/jvm.options", service.jvmOptions(root));
        Path libs = service.libs(root);
        if (Files.isDirectory(libs)) {
            try (Stream<Path> walk = Files.walk(libs)) {
                walk.filter(Files::isRegularFile)
                        .forEach(file -> files.put(
                                "target/libs/"
                                        + libs.relativize(file).toString().replace('\\', '/'),
                                file));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + libs, e);
            }
        }
        return files;
    }
}
