package social.nova.harness;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One service of the fleet as the harness runs it: the module folder holding its Dockerfile and
 * built jar, the port it serves gRPC and HTTP on inside the stack's network, the services it
 * calls, its database schema and role, and how many instances to run.
 *
 * <p>Every service module has the same shape: {@code <module>/Dockerfile} copying
 * {@code target/<folder>.jar} and {@code target/libs}, with {@code ARG BASE_IMAGE}.
 *
 * @param name      Consul service name, image name ({@code nova/<name>}) and network alias
 * @param module    folder of the Maven module, relative to the repository root
 * @param port      port inside the network (the service's {@code server.port})
 * @param dependsOn services it calls; they start (and pass their checks) first
 * @param database  its own schema and login role in the shared PostgreSQL, if it has data
 * @param instances how many containers to run (0 leaves the service out)
 * @param edge      the fleet's front door: its first instance is published on the host at
 *                  {@code nova.gateway.port}
 */
public record ServiceSpec(
        String name,
        String module,
        int port,
        List<String> dependsOn,
        Optional<Database> database,
        int instances,
        boolean edge) {
    /** Image tag of every service image the harness builds: {@code nova/<name>:harness}. */
    public static final String IMAGE_TAG = "harness";

    /**
     * A schema, the login role that owns it (e.g. {@code auth} / {@code auth_service}), and the
     * PostgreSQL extensions the service needs (created in {@code public} by the provisioning, as
     * the service's {@code db.provision.extensions} lists them).
     */
    public record Database(String schema, String role, List<String> extensions) {
        public Database {
            Objects.requireNonNull(schema, "schema");
            Objects.requireNonNull(role, "role");
            extensions = List.copyOf(extensions);
        }
    }

    public ServiceSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(module, "module");
        if (!name.matches("[a-z][a-z0-9-]*")) {
            throw new IllegalArgumentException(
                    "service name must be lowercase letters, digits and dashes: '" + name + "'");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException(name + ": port must be 1..65535, was " + port);
        }
        if (instances < 0) {
            throw new IllegalArgumentException(name + ": instances must be 0 or more, was " + instances);
        }
        dependsOn = List.copyOf(dependsOn);
        if (dependsOn.contains(name)) {
            throw new IllegalArgumentException(name + " cannot depend on itself");
        }
        Objects.requireNonNull(database, "database");
    }

    /** One instance of {@code name}, built from {@code module}, serving on {@code port}, with no database. */
    public static ServiceSpec of(String name, String module, int port) {
        return new ServiceSpec(name, module, port, List.of(), Optional.empty(), 1, false);
    }

    public ServiceSpec withDatabase(String schema, String role, String... extensions) {
        return new ServiceSpec(
                name,
                module,
                port,
                dependsOn,
                Optional.of(new Database(schema, role, List.of(extensions))),
                instances,
                edge);
    }

    public ServiceSpec dependsOn(String... services) {
        return withDependencies(List.of(services));
    }

    public ServiceSpec withDependencies(List<String> services) {
        return new ServiceSpec(name, module, port, services, database, instances, edge);
    }

    public ServiceSpec withInstances(int count) {
        return new ServiceSpec(name, module, port, dependsOn, database, count, edge);
    }

    /** Marks this service as the front door published on the host. */
    public ServiceSpec asEdge() {
        return new ServiceSpec(name, module, port, dependsOn, database, instances, true);
    }

    public Path directory(Path root) {
        return root.resolve(module);
    }

    public Path dockerfile(Path root) {
        return directory(root).resolve("Dockerfile");
    }

    /** {@code target/<folder>.jar}, the name Helidon's parent gives the application jar. */
    public Path jar(Path root) {
        Path directory = directory(root);
        return directory.resolve("target").resolve(directory.getFileName() + ".jar");
    }

    /** The container's JVM settings, written by nova-parent's {@code service-image} profile. */
    public Path jvmOptions(Path root) {
        return directory(root).resolve("target").resolve("jvm.options");
    }

    public Path libs(Path root) {
        return directory(root).resolve("target").resolve("libs");
    }

    /** Whether its folder, Dockerfile, jar and JVM settings exist under {@code root}, so an image can be built. */
    public boolean isBuilt(Path root) {
        return Files.isRegularFile(dockerfile(root))
                && Files.isRegularFile(jar(root))
                && Files.isRegularFile(jvmOptions(root));
    }

    /** {@code nova/<name>:harness}. */
    public String image() {
        return "nova/" + name + ":" + IMAGE_TAG;
    }

    /** The network alias of one instance (numbered from 1), also the address it advertises to Consul. */
    public String instanceAlias(int instance) {
        return name + "-" + instance;
    }
}
