package social.nova.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

import com.github.dockerjava.api.DockerClient;
import social.nova.testing.PlatformImages;

/**
 * Images of the tools that tests run against a stack (neither services nor platform images), and of
 * Nova's own media server (a platform container that has no official image to prefer: {@link
 * #mediaServer()}), built on demand from a folder of {@code nova-harness/images/} plus other folders
 * of the repository, on Debian trixie ({@link PlatformImages#DEBIAN}: the official image where
 * present, else {@code ./nova doctor}'s local one), and reused while their inputs are unchanged: as
 * for service images ({@link ServiceImages}), the hash of every file of the build context and of the
 * base image's id is the image's {@value ServiceImages#CONTEXT_HASH_LABEL} label, so a second run
 * builds nothing.
 */
public final class ToolImages {
    /** The Python gRPC client of {@link #pythonGrpcClient()}. */
    public static final String PYTHON_GRPC_CLIENT = "nova/python-grpc-client:harness";

    /** Debian's ffmpeg, of {@link #ffmpeg()}. */
    public static final String FFMPEG = "nova/ffmpeg:harness";

    /** Debian's nginx with its RTMP module, of {@link #mediaServer()}. */
    public static final String MEDIA_SERVER = "nova/nginx-rtmp:harness";

    private final ContextImages images;
    private final Path root;

    /** @param root the repository root ({@link StackSettings#root()}) */
    public ToolImages(DockerClient docker, Path root) {
        this.images = new ContextImages(docker);
        this.root = Objects.requireNonNull(root, "root");
    }

    /** An image ready to run; {@code built} when this call built it. */
    public record ToolImage(String tag, String id, boolean built) {}

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
        return ensure(
                PYTHON_GRPC_CLIENT,
                PlatformImages.DEBIAN.tag(),
                List.of(
                        new Source("", root.resolve("nova-harness/images/python-grpc-client")),
                        new Source("contracts/", root.resolve("contracts/src/main/proto"))));
    }

    /**
     * Debian's ffmpeg ({@code nova-harness/images/ffmpeg}, entrypoint {@code ffmpeg}), the same
     * package media-service's image runs: tests make videos and publish streams with it.
     */
    public ToolImage ffmpeg() {
        return ensure(
                FFMPEG,
                PlatformImages.DEBIAN.tag(),
                List.of(new Source("", root.resolve("nova-harness/images/ffmpeg"))));
    }

    /**
     * The live-streaming media server ({@code nova-harness/images/nginx-rtmp}: Debian's nginx and
     * libnginx-mod-rtmp, RTMP ingest with streaming-service's callbacks, HLS, rtmp_control), which
     * every stack running streaming-service starts as {@link PlatformContainers#MEDIA_SERVER}.
     */
    public ToolImage mediaServer() {
        return ensure(
                MEDIA_SERVER,
                PlatformImages.DEBIAN.tag(),
                List.of(new Source("", root.resolve("nova-harness/images/nginx-rtmp"))));
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
        String hash = ContextImages.hash(
                context,
                "BASE_IMAGE=" + baseImage + "@" + images.imageId(baseImage).orElse("(to be pulled)"));
        try {
            ContextImages.Built image = images.ensure(
                    tag,
                    hash,
                    context,
                    Map.of("BASE_IMAGE", baseImage),
                    Map.of(),
                    sources.getFirst().folder().toString());
            return new ToolImage(tag, image.id(), image.built());
        } catch (IllegalStateException e) {
            throw images.imageId(baseImage).isPresent()
                    ? e
                    : new IllegalStateException(
                            e.getMessage() + " (" + baseImage
                                    + " is missing: ./nova doctor makes the local base images)",
                            e);
        }
    }

    private SortedMap<String, Path> context(List<Source> sources) {
        SortedMap<String, Path> files = new TreeMap<>();
        for (Source source : sources) {
            if (!Files.isDirectory(source.folder())) {
                throw new IllegalStateException("Cannot build a tool image: " + source.folder() + " is missing");
            }
            try (Stream<Path> walk = Files.walk(source.folder())) {
                walk.filter(Files::isRegularFile)
                        .filter(file -> !isPythonCache(file))
                        .forEach(file -> {
                            String name = source.prefix()
                                    + source.folder()
                                            .relativize(file)
                                            .toString()
                                            .replace('\\', '/');
                            Path before = files.put(name, file);
                            if (before != null) {
                                throw new IllegalArgumentException(
                                        name + " is in the build context twice: " + before + ", " + file);
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
}
