package social.nova.kit;

import java.util.Objects;

import io.helidon.config.Config;

/**
 * Who a service is: its name in Consul and the facts it publishes as Consul meta
 * (see {@code social.nova.discovery.InstanceMeta}).
 *
 * <p>Config (block {@code service}): {@code name}, {@code version}, {@code owner},
 * {@code proto-package}, {@code git-commit} (usually from the {@code NOVA_GIT_COMMIT} environment
 * variable set when the image is built).
 */
public record ServiceInfo(String name, String version, String owner, String protoPackage, String gitCommit) {
    public ServiceInfo {
        Objects.requireNonNull(name, "service.name");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException("service.name must be lowercase letters, digits and dashes: " + name);
        }
    }

    public static ServiceInfo create(Config service) {
        return new ServiceInfo(
                service.get("name").asString().get(),
                service.get("version").asString().orElse("0.0.0-dev"),
                service.get("owner").asString().orElse("platform"),
                service.get("proto-package").asString().orElse(""),
                service.get("git-commit")
                        .asString()
                        .orElseGet(() -> Objects.requireNonNullElse(System.getenv("NOVA_GIT_COMMIT"), "unknown")));
    }
}
