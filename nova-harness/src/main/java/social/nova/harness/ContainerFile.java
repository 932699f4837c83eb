package social.nova.harness;

import java.util.Objects;

/**
 * A text file {@link StackDocker} puts into a container after creating it and before starting it:
 * how a platform container gets configuration that must work with the official image as well as
 * with Nova's local one (Keycloak's realm in {@code /opt/keycloak/data/import}), without a bind
 * mount of a host path, which a remote Docker engine would not see.
 *
 * <p>The file is owned by root and readable by everyone ({@code 0644}); folders of its path that
 * the image lacks are created ({@code 0755}), those it has are left as they are.
 *
 * @param path    absolute path in the container
 * @param content the file's text, written as UTF-8
 */
public record ContainerFile(String path, String content) {
    public ContainerFile {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(content, "content");
        if (!path.startsWith("/") || path.endsWith("/") || path.contains("/../") || path.contains("//")) {
            throw new IllegalArgumentException("a container file needs an absolute path to a file, was '" + path + "'");
        }
    }

    /** What changes the container: its path and a hash of its content. */
    String fingerprint() {
        return path + "=" + Hashing.sha256(content);
    }
}
