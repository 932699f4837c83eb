package social.nova.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.BuildImageResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Images built from an explicit build context and reused while it is unchanged: the one place the
 * harness talks to {@code docker build} ({@link ServiceImages}, {@link ToolImages}). The hash of every
 * file of the context (and of whatever else the caller adds) is the image's
 * {@value #CONTEXT_HASH_LABEL} label; an image whose label matches is reused, so a second run builds
 * nothing, and an image a rebuild superseded is removed unless a container still runs on it.
 */
final class ContextImages {
    static final String CONTEXT_HASH_LABEL = "nova.context-hash";
    private static final System.Logger LOG = System.getLogger(ContextImages.class.getName());

    private final DockerClient docker;

    ContextImages(DockerClient docker) {
        this.docker = Objects.requireNonNull(docker, "docker");
    }

    /** An image ready to run; {@code built} when this call built it. */
    record Built(String id, boolean built) {}

    /**
     * The image {@code tag}: the existing one if its label is {@code hash}, else built from
     * {@code context} (name in the context to file) with the build arguments and labels.
     */
    Built ensure(
            String tag,
            String hash,
            SortedMap<String, Path> context,
            Map<String, String> buildArgs,
            Map<String, String> labels,
            String what) {
        Optional<String> previous = imageId(tag);
        if (previous.isPresent() && hash.equals(label(previous.get()))) {
            return new Built(previous.get(), false);
        }
        LOG.log(System.Logger.Level.INFO, "building {0} from {1}", tag, what);
        String id = build(tag, hash, context, buildArgs, labels, what);
        previous.filter(old -> !old.equals(id)).ifPresent(this::removeIfUnused);
        return new Built(id, true);
    }

    /** The hash of {@code context} and the given lines (base image ids, build arguments...). */
    static String hash(SortedMap<String, Path> context, String... lines) {
        Hashing.Builder hash = new Hashing.Builder();
        for (String line : lines) {
            hash.add(line);
        }
        context.forEach((name, file) -> hash.add(name).addFile(file));
        return hash.hex().substring(0, 32);
    }

    Optional<String> imageId(String tag) {
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

    /** Drops the image a rebuild superseded, unless a container still runs on it (then it goes later). */
    private void removeIfUnused(String imageId) {
        try {
            docker.removeImageCmd(imageId).exec();
        } catch (RuntimeException inUse) {
            LOG.log(System.Logger.Level.DEBUG, "keeping superseded image {0}: {1}", imageId, inUse.getMessage());
        }
    }

    private String build(
            String tag,
            String hash,
            SortedMap<String, Path> context,
            Map<String, String> buildArgs,
            Map<String, String> labels,
            String what) {
        Path tar = null;
        try {
            tar = Files.createTempFile("nova-image", ".tar");
            writeTar(context, tar);
            try (InputStream in = Files.newInputStream(tar)) {
                var command = docker.buildImageCmd(in).withTags(Set.of(tag)).withPull(false);
                buildArgs.forEach(command::withBuildArg);
                java.util.Map<String, String> allLabels = new java.util.HashMap<>(labels);
                allLabels.put(CONTEXT_HASH_LABEL, hash);
                return command.withLabels(allLabels)
                        .exec(new BuildImageResultCallback())
                        .awaitImageId();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot build " + tag + " from " + what, e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(
                    "docker build of " + tag + " from " + what + " failed: " + e.getMessage(), e);
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
