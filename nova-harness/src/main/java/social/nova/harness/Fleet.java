package social.nova.harness;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The services of Nova and how they depend on each other: the one place that says what the stack
 * runs. A new service is one more entry in {@link #nova()}.
 *
 * <p>Dependencies follow the plan's service graph (who calls whom over gRPC): user-service calls
 * auth-service; content-service calls user-service, media-service (attached media) and
 * auth-service; feed-service calls
 * content-service (to hydrate posts) and auth-service; search-service calls only auth-service (its
 * index is built from events); messaging-service calls user-service (who may message whom) and
 * auth-service; media-service calls only auth-service (its bytes go to the object store, a platform
 * container); streaming-service calls user-service and auth-service (its video goes through the
 * media server, a platform container that starts before every service and calls it back). The
 * gateway is the edge and calls every service it routes to, so
 * it starts last. Events are not dependencies: a consumer started before its producer reads the
 * stream from the beginning.
 */
public final class Fleet {
    private final List<ServiceSpec> services;

    private Fleet(List<ServiceSpec> services) {
        this.services = List.copyOf(services);
        Set<String> names = new HashSet<>();
        for (ServiceSpec service : this.services) {
            if (!names.add(service.name())) {
                throw new IllegalArgumentException("service " + service.name() + " is listed twice");
            }
        }
        for (ServiceSpec service : this.services) {
            for (String dependency : service.dependsOn()) {
                if (!names.contains(dependency)) {
                    throw new IllegalArgumentException(service.name() + " depends on unknown service " + dependency);
                }
            }
        }
        if (this.services.stream().filter(ServiceSpec::edge).count() > 1) {
            throw new IllegalArgumentException("at most one service can be the edge (published on the host)");
        }
        startWaves(); // rejects cycles now rather than at start-up
    }

    /** Nova's fleet. Schemas and roles match each service's {@code application.yaml}. */
    public static Fleet nova() {
        return of(
                ServiceSpec.of("auth-service", "nova-services/auth-service", 8084)
                        .withDatabase("auth", "auth_service"),
                ServiceSpec.of("user-service", "nova-services/user-service", 8080)
                        .withDatabase("users", "users_service")
                        .dependsOn("auth-service"),
                ServiceSpec.of("content-service", "nova-services/content-service", 8081)
                        .withDatabase("content", "content_service")
                        .dependsOn("user-service", "media-service", "auth-service"),
                ServiceSpec.of("feed-service", "nova-services/feed-service", 8089)
                        .withDatabase("feed", "feed_service")
                        .dependsOn("content-service", "auth-service"),
                ServiceSpec.of("search-service", "nova-services/search-service", 8086)
                        .withDatabase("search", "search_service", "unaccent", "pg_trgm")
                        .dependsOn("auth-service"),
                ServiceSpec.of("media-service", "nova-services/media-service", 8082)
                        .withDatabase("media", "media_service")
                        .dependsOn("auth-service"),
                ServiceSpec.of("messaging-service", "nova-services/messaging-service", 8085)
                        .withDatabase("messaging", "messaging_service")
                        .dependsOn("user-service", "auth-service"),
                ServiceSpec.of("streaming-service", "nova-services/streaming-service", 8088)
                        .withDatabase("streaming", "streaming_service")
                        .dependsOn("user-service", "auth-service"),
                ServiceSpec.of("api-gateway", "nova-services/api-gateway", 8000)
                        .dependsOn(
                                "auth-service",
                                "user-service",
                                "content-service",
                                "feed-service",
                                "search-service",
                                "media-service",
                                "messaging-service",
                                "streaming-service")
                        .asEdge());
    }

    public static Fleet of(ServiceSpec... services) {
        return new Fleet(List.of(services));
    }

    public static Fleet of(List<ServiceSpec> services) {
        return new Fleet(services);
    }

    public List<ServiceSpec> services() {
        return services;
    }

    public Optional<ServiceSpec> service(String name) {
        return services.stream().filter(service -> service.name().equals(name)).findFirst();
    }

    /** The service published on the host, if the fleet has one. */
    public Optional<ServiceSpec> edge() {
        return services.stream().filter(ServiceSpec::edge).findFirst();
    }

    public boolean isEmpty() {
        return services.isEmpty();
    }

    /**
     * The services that can run: built under {@code root} (Dockerfile and jar present) and with at
     * least one instance. Dependencies on services left out are dropped: the rest still starts.
     */
    public Fleet runnable(Path root) {
        Set<String> kept = services.stream()
                .filter(service -> service.instances() > 0 && service.isBuilt(root))
                .map(ServiceSpec::name)
                .collect(Collectors.toSet());
        return new Fleet(services.stream()
                .filter(service -> kept.contains(service.name()))
                .map(service -> service.withDependencies(
                        service.dependsOn().stream().filter(kept::contains).toList()))
                .toList());
    }

    /** The services that cannot run under {@code root} because their module or jar is missing. */
    public List<ServiceSpec> notBuilt(Path root) {
        return services.stream().filter(service -> !service.isBuilt(root)).toList();
    }

    /** This fleet with instance counts replaced for the named services. */
    public Fleet withInstances(Map<String, Integer> counts) {
        for (String name : counts.keySet()) {
            if (service(name).isEmpty()) {
                throw new IllegalArgumentException("instances given for unknown service '" + name + "'; the fleet has "
                        + services.stream().map(ServiceSpec::name).toList());
            }
        }
        return new Fleet(services.stream()
                .map(service -> counts.containsKey(service.name())
                        ? service.withInstances(counts.get(service.name()))
                        : service)
                .toList());
    }

    /**
     * The start order: each wave holds services whose dependencies are all in earlier waves, in the
     * order they are listed. Services of one wave start together.
     *
     * @throws IllegalArgumentException if the dependencies form a cycle
     */
    public List<List<ServiceSpec>> startWaves() {
        Map<String, ServiceSpec> waiting = new LinkedHashMap<>();
        services.forEach(service -> waiting.put(service.name(), service));
        Set<String> started = new HashSet<>();
        List<List<ServiceSpec>> waves = new ArrayList<>();
        while (!waiting.isEmpty()) {
            List<ServiceSpec> wave = waiting.values().stream()
                    .filter(service -> started.containsAll(service.dependsOn()))
                    .toList();
            if (wave.isEmpty()) {
                throw new IllegalArgumentException("services depend on each other in a cycle: " + waiting.keySet());
            }
            wave.forEach(service -> {
                waiting.remove(service.name());
                started.add(service.name());
            });
            waves.add(wave);
        }
        return waves;
    }

    /** Instance count per service, in fleet order. */
    public Map<String, Integer> instanceCounts() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        services.forEach(service -> counts.put(service.name(), service.instances()));
        return counts;
    }

    @Override
    public String toString() {
        return "Fleet" + instanceCounts();
    }
}
