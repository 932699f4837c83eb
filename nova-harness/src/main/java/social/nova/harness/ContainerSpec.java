package social.nova.harness;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One container of a stack, as plain data: what {@link StackDocker} creates.
 *
 * @param name        container name
 * @param image       image tag or id
 * @param aliases     its names on the stack's network
 * @param env         environment variables
 * @param command     command (empty: the image's own)
 * @param published   container ports published on the host (host port 0: any free port)
 * @param memoryBytes memory limit (0: none)
 * @param labels      every label of the container
 * @param dependsOn   ids of containers it needs: a kept {@code up} container whose dependencies
 *                    were replaced is replaced too
 * @param files       files put into the container before it starts (a changed one recreates it)
 */
public record ContainerSpec(
        String name,
        String image,
        List<String> aliases,
        Map<String, String> env,
        List<String> command,
        Map<Integer, Integer> published,
        long memoryBytes,
        Map<String, String> labels,
        List<String> dependsOn,
        List<ContainerFile> files) {
    public ContainerSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        aliases = List.copyOf(aliases);
        env = Map.copyOf(env);
        command = List.copyOf(command);
        published = Map.copyOf(published);
        labels = Map.copyOf(labels);
        dependsOn = List.copyOf(dependsOn);
        files = List.copyOf(files);
    }

    /**
     * Everything that makes this container what it is, given the image's id: equal fingerprints
     * mean an existing container can be kept instead of recreated.
     */
    String fingerprint(String imageId) {
        String fingerprint = String.join(
                "\n",
                imageId,
                String.join(",", aliases),
                new TreeMap<>(env).toString(),
                String.join(" ", command),
                new TreeMap<>(published).toString(),
                Long.toString(memoryBytes),
                new TreeMap<>(labels).toString(),
                String.join(",", dependsOn));
        // Files add a line only where there are any: a container without files keeps the fingerprint
        // it had before specs had files, so updating the harness keeps a running `up` stack.
        return files.isEmpty()
                ? fingerprint
                : fingerprint + "\n"
                        + files.stream().map(ContainerFile::fingerprint).collect(Collectors.joining(","));
    }
}
