package social.nova.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import social.nova.testing.PlatformImages;

/**
 * Images of the tools that tests run against a stack (neither services nor platform images), built
 * on demand from a folder of {@code nova-harness/images/} plus other folders of the repository, and
 * reused while their inputs are unchanged: as for service images ({@link ServiceImages}), the hash of
 * every file of the build context and of the base image's id is the image's
 * {@value ServiceImages#CONTEXT_HASH_LABEL} label, so a second run builds nothing.
 */
public final class ToolImages {
    private static final System.Logger LOG = System.getLogger(ToolImages.class.getName());
    /** The Python gRPC client of {@link #pythonGrpcClient()}. */
    public static final String PYTHON_GRPC_CLIENT = "nova/python-grpc-client:harness";

    private final DockerClient docker;
    private final Path root;

    /** @param root the repository root ({@link StackSettings#root()}) */
    public ToolImages(DockerClient docker, Path root) {
        this.docker = Objects.requireNonNull(docker, "docker");
        this.root = Objects.requireNonNull(root, "root");
    }

    /** An image ready to run; {@code built} when this call built it. */
    public record ToolImage(String tag, String id, boolean built) {
    }

    /** Every file under {@code folder}, in the build context as {@code prefix} + its path below the folder. */
    public record Source(String prefix, Path folder) {
        public Source {
            Objects.requireNonNull(prefix, "prefix");
            Objects.requireNonNull(folder, "folder");
        }
    }

    /**
     * Debian's python3-grpcio (gRPC C-core) with stubs of every contract:
     * {@code nova-harness/images/python-grpc-client} with {@code contracts/src/main/proto} as
     * {@code contracts/}, on Debian trixie ({@link PlatformImages#DEBIAN}: official or local).
     */
    public ToolImage pythonGrpcClient() {
        return ensure(PYTHON_GRPC_CLIENT, PlatformImages.DEBIAN.tag(), List.of(
                new Source("", root.resolve("nova-harness/images/python-grpc-client")),
                new Source("contracts/", root.resolve("contracts/src/main/proto"))));
    }

    /**
     * The image {@code tag}: the existing one if its build context and base are unchanged, else a
     * fresh build with {@code BASE_IMAGE=baseImage} (which must be present or pullable).
     *
     * @param sources the build context, the first holding the {@code Dockerfile}
     */
    public ToolImage ensure(String tag, String baseImage, List<Source> sources) {
        SortedMap<String, Path> context = context(sources);
        if (!context.containsKey("Dockerfile")) {
            throw new IllegalArgumentException("no Dockerfile in " + sources);
        }
        String hash = contextHash(baseImage, context);
        Optional<String> previous = imageId(tag);
        if (previous.isPresent() && hash.equals(label(previous.get()))) {
            return new ToolImage(tag, previous.get(), false);
        }
        LOG.log(System.Logger.Level.INFO, "building {0} on {1}", tag, baseImage);
        String id = build(tag, baseImage, context, hash);
        previous.filter(old -> !old.equals(id)).ifPresent(this::removeIfUnused);
        return new ToolImage(tag, id, true);
    }

    private SortedMap<String, Path> context(List<Source> sources) {
        SortedMap<String, Path> files = new TreeMap<>();
        for (Source source : sources) {
            if (!Files.isDirectory(source.folder())) {
                throw new IllegalStateException("Cannot build a tool image: " + source.folder() + " is missing");
            }
            try (Stream<Path> walk = Files.walk(source.folder())) {
                walk.filter(Files::isRegularFile).filter(file -> !isPythonCache(file)).forEach(file -> {
                    String name = source.prefix() + source.folder().relativize(file).toString().replace('\\', '/');
                    Path before = files.put(name, file);
                    if (before != null) {
                        throw new IllegalArgumentException(name + " is in the build context twice: " + before + ", " + file);
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + source.folder(), e);
            }
        }
        return files;
    }

    /** What running a tool's Python script in place leaves behind: not part of the image. */
    private static boolean isPythonCache(Path file) {
        return file.toString().endsWith(".pyc") || file.toString().contains("__pycache__");
    }

    private String contextHash(String baseImage, SortedMap<String, Path> context) {
        Hashing.Builder hash = new Hashing.Builder()
                .add("BASE_IMAGE=" + baseImage + "@" + imageId(baseImage).orElse("(to be pulled)"));
        context.forEach((name, file) -> hash.add(name).addFile(file));
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
        return labels == null ? null : labels.get(ServiceImages.CONTEXT_HASH_LABEL);
    }

    private void removeIfUnused(String imageId) {
        try {
            docker.removeImageCmd(imageId).exec();
        } catch (RuntimeException inUse) {
            LOG.log(System.Logger.Level.DEBUG, "keeping superseded image {0}: {1}", imageId, inUse.getMessage());
        }
    }

    private String build(String tag, String baseImage, SortedMap<String, Path> context, String hash) {
        Path tar = null;
        try {
            tar = Files.createTempFile("nova-tool-image", ".tar");
            writeTar(context, tar);
            try (InputStream in = Files.newInputStream(tar)) {
                return docker.buildImageCmd(in)
                        .withTags(Set.of(tag))
                        .withBuildArg("BASE_IMAGE", baseImage)
                        .withLabels(Map.of(ServiceImages.CONTEXT_HASH_LABEL, hash))
                        .withPull(false)
                        .exec(new BuildImageResultCallback())
                        .awaitImageId();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build " + tag, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("docker build of " + tag + " on " + baseImage + " failed: " + e.getMessage()
                    + (imageId(baseImage).isEmpty() ? " (" + baseImage + " is missing: ./nova doctor makes the local base images)" : ""), e);
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

    private static void writeTar(SortedMap<String, Path> context, Path tar) throws IOException {
        try (OutputStream out = Files.newOutputStream(tar);
             TarArchiveOutputStream archive = new TarArchiveOutputStream(out)) {
            archive.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            archive.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            for (Map.Entry<String, Path> file : context.entrySet()) {
                archive.putArchiveEntry(new TarArchiveEntry(file.getValue().toFile(), file.getKey()));
                Files.copy(file.getValue(), archive);
                archive.closeArchiveEntry();
            }
        }
    }
}
