package social.nova.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

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
    private static final System.Logger LOG = System.getLogger(ServiceImages.class.getName());
    public static final String CONTEXT_HASH_LABEL = "nova.context-hash";

    private final DockerClient docker;
    private final Path root;
    private final String baseImage;
    private final String gitCommit;

    /**
     * @param baseImage the Java 21 runtime image passed as {@code BASE_IMAGE}
     * @param gitCommit passed as {@code GIT_COMMIT}: the services publish it as Consul meta
     */
    public ServiceImages(DockerClient docker, Path root, String baseImage, String gitCommit) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.root = Objects.requireNonNull(root, "root");
        this.baseImage = Objects.requireNonNull(baseImage, "baseImage");
        this.gitCommit = Objects.requireNonNull(gitCommit, "gitCommit");
    }

    /** An image ready to run. */
    public record ServiceImage(String tag, String id, boolean built) {
    }

    /** The service's image: the existing one if its inputs are unchanged, else a fresh build. */
    public ServiceImage ensure(ServiceSpec service) {
        if (!service.isBuilt(root)) {
            throw new IllegalStateException(service.name() + " is not built: " + service.jar(root)
                    + " is missing (./mvnw install -DskipTests -pl " + service.module() + ")");
        }
        List<ContextFile> context = context(service);
        String hash = contextHash(context);
        Optional<String> previous = imageId(service.image());
        if (previous.isPresent() && hash.equals(label(previous.get()))) {
            return new ServiceImage(service.image(), previous.get(), false);
        }
        LOG.log(System.Logger.Level.INFO, "building {0} from {1}", service.image(), service.module());
        String id = build(service, context, hash);
        previous.filter(old -> !old.equals(id)).ifPresent(this::removeIfUnused);
        return new ServiceImage(service.image(), id, true);
    }

    /** Drops the image a rebuild superseded, unless a container still runs on it (then it goes later). */
    private void removeIfUnused(String imageId) {
        try {
            docker.removeImageCmd(imageId).exec();
        } catch (RuntimeException inUse) {
            LOG.log(System.Logger.Level.DEBUG, "keeping superseded image {0}: {1}", imageId, inUse.getMessage());
        }
    }

    private String contextHash(List<ContextFile> context) {
        Hashing.Builder hash = new Hashing.Builder()
                .add("BASE_IMAGE=" + baseImage + "@" + docker.inspectImageCmd(baseImage).exec().getId())
                .add("GIT_COMMIT=" + gitCommit);
        for (ContextFile file : context) {
            hash.add(file.name()).addFile(file.path());
        }
        return hash.hex().substring(0, 32);
    }

    private Optional<String> imageId(String tag) {
        try {
            return Optional.of(docker.inspectImageCmd(tag).exec().getId());
        } catch (NotFoundException missing) {
            return Optional.empty();
        }
    }

    private String label(String imageId) {
        var config = docker.inspectImageCmd(imageId).exec().getConfig();
        Map<String, String> labels = config == null ? null : config.getLabels();
        return labels == null ? null : labels.get(CONTEXT_HASH_LABEL);
    }

    private String build(ServiceSpec service, List<ContextFile> context, String hash) {
        Path tar = null;
        try {
            tar = Files.createTempFile("nova-image-" + service.name(), ".tar");
            writeTar(context, tar);
            try (InputStream in = Files.newInputStream(tar)) {
                return docker.buildImageCmd(in)
                        .withTags(java.util.Set.of(service.image()))
                        .withBuildArg("BASE_IMAGE", baseImage)
                        .withBuildArg("GIT_COMMIT", gitCommit)
                        .withLabels(Map.of(CONTEXT_HASH_LABEL, hash, StackIdentity.SERVICE_LABEL, service.name()))
                        .withPull(false)
                        .exec(new BuildImageResultCallback())
                        .awaitImageId();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build " + service.image() + " from " + service.module(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("docker build of " + service.image() + " from " + service.dockerfile(root)
                    + " failed: " + e.getMessage(), e);
        } finally {
            if (tar != null) {
                try {
                    Files.deleteIfExists(tar);
                } catch (IOException e) {
                    LOG.log(System.Logger.Level.DEBUG, "cannot delete " + tar, e);
                }
            }
        }
    }

    /** A file of the build context: its name in the context and where it is. */
    private record ContextFile(String name, Path path) {
    }

    private List<ContextFile> context(ServiceSpec service) {
        List<ContextFile> files = new ArrayList<>();
        files.add(new ContextFile("Dockerfile", service.dockerfile(root)));
        files.add(new ContextFile("target/" + service.jar(root).getFileName(), service.jar(root)));
        files.add(new ContextFile("target/jvm.options", service.jvmOptions(root)));
        Path libs = service.libs(root);
        if (Files.isDirectory(libs)) {
            try (Stream<Path> walk = Files.walk(libs)) {
                walk.filter(Files::isRegularFile).sorted().forEach(file ->
                        files.add(new ContextFile("target/libs/" + libs.relativize(file).toString().replace('\\', '/'), file)));
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + libs, e);
            }
        }
        return files;
    }

    private static void writeTar(List<ContextFile> context, Path tar) throws IOException {
        try (OutputStream out = Files.newOutputStream(tar);
             TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
            archive.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            archive.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (ContextFile file : context) {
                TarArchiveEntry entry = new TarArchiveEntry(file.path().toFile(), file.name());
                archive.putArchiveEntry(entry);
                Files.copy(file.path(), archive);
                archive.closeArchiveEntry();
            }
        }
    }
}
