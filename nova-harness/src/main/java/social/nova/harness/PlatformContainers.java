package social.nova.harness;

import java.util.List;
import java.util.Map;

import social.nova.testing.PlatformImages;
import social.nova.testing.SharedContainers;

/**
 * Consul, PostgreSQL and Redis of a stack: one of each on the stack's network, under the aliases
 * the services are pointed at ({@code consul}, {@code postgres}, {@code redis}). Images are the
 * platform's ({@link PlatformImages}: official where present, else the local Debian-built ones).
 */
public final class PlatformContainers {
    public static final String CONSUL = "consul";
    public static final int CONSUL_PORT = 8500;
    public static final String POSTGRES = "postgres";
    public static final int POSTGRES_PORT = 5432;
    public static final String REDIS = "redis";
    public static final int REDIS_PORT = 6379;
    /** The database every service's schema lives in, and its superuser (the harness provisions with it). */
    public static final String DATABASE = SharedContainers.DATABASE;

    public static final String SUPERUSER = SharedContainers.SUPERUSER;
    public static final String SUPERUSER_PASSWORD = SharedContainers.SUPERUSER_PASSWORD;

    private PlatformContainers() {}

    /** A Consul dev agent (HTTP API and UI on 8500, published on {@code hostPort}; 0 = any). */
    static ContainerSpec consul(StackIdentity identity, int hostPort) {
        return spec(
                identity,
                CONSUL,
                PlatformImages.CONSUL.tag(),
                Map.of(),
                List.of("agent", "-dev", "-client", "0.0.0.0"),
                Map.of(CONSUL_PORT, hostPort));
    }

    /** PostgreSQL with database {@value #DATABASE} and superuser {@value #SUPERUSER}, published on any free port. */
    static ContainerSpec postgres(StackIdentity identity) {
        return spec(
                identity,
                POSTGRES,
                PlatformImages.POSTGRES.tag(),
                Map.of("POSTGRES_USER", SUPERUSER, "POSTGRES_PASSWORD", SUPERUSER_PASSWORD, "POSTGRES_DB", DATABASE),
                List.of(),
                Map.of(POSTGRES_PORT, 0));
    }

    /** Redis, published on any free port. */
    static ContainerSpec redis(StackIdentity identity) {
        return spec(identity, REDIS, PlatformImages.REDIS.tag(), Map.of(), List.of(), Map.of(REDIS_PORT, 0));
    }

    private static ContainerSpec spec(
            StackIdentity identity,
            String role,
            String image,
            Map<String, String> env,
            List<String> command,
            Map<Integer, Integer> published) {
        return new ContainerSpec(
                identity.containerName(role),
                image,
                List.of(role),
                env,
                command,
                published,
                0,
                identity.labelsWith(Map.of(StackIdentity.ROLE_LABEL, role)),
                List.of());
    }
}
