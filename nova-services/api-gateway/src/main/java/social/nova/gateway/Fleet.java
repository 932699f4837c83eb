package social.nova.gateway;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.health.HealthCheck;
import org.kiwiproject.consul.model.health.ServiceHealth;
import social.nova.contracts.common.v1.ServingStatus;
import social.nova.contracts.gateway.v1.CircuitState;
import social.nova.contracts.gateway.v1.DiscoveredService;
import social.nova.contracts.gateway.v1.GetHealthResponse;
import social.nova.contracts.gateway.v1.ListServicesResponse;
import social.nova.contracts.gateway.v1.ServiceHealth.Builder;
import social.nova.contracts.gateway.v1.ServiceInstance;
import social.nova.discovery.ConsulClients;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceMeta;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Protos;
import social.nova.rpc.NovaClients;

/**
 * The fleet as the gateway sees it (contracts {@code nova.gateway.v1}): every service registered
 * in Consul with all its instances, healthy or not, and for the services behind the gateway their
 * health combined with the gateway's circuit breaker towards them.
 *
 * <p>Answers from one view of Consul reused for {@code gateway.fleet.cache-for}, so probes of
 * {@code /health} never call the services and cost Consul at most one round per interval. When
 * Consul stops answering, the last view stays in force (the gateway keeps routing with the
 * instances it knows); without any view the fleet is {@code NOT_SERVING}.
 *
 * <p>One look at Consul runs at a time, on a virtual thread of its own; a request waits for it at
 * most {@code gateway.fleet.max-wait} after it started and then answers with the last view. No lock
 * is held across a Consul call: a {@code synchronized} one pinned the carrier thread of every probe
 * waiting behind a paused Consul on Java 21 (issue 9, item 5), and probes queued for its 10 s timeout.
 */
final class Fleet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Fleet.class.getName());
    /** Consul lists itself as a service; it is not part of Nova's fleet. */
    private static final String CONSUL_SERVICE = "consul";

    private static final String PASSING = "passing";
    private static final String WARNING = "warning";

    private final Consul consul;
    private final NovaClients clients;
    private final List<String> downstream;
    private final Duration cacheFor;
    private final Duration maxWait;
    private final Clock clock;
    private final AtomicReference<Look> inFlight = new AtomicReference<>();
    private volatile View view;
    private volatile Instant lastAttempt = Instant.MIN;

    /** One look at Consul: the services sorted by name, and when it was taken. */
    private record View(List<DiscoveredService> services, Instant takenAt) {}

    /** A look at Consul under way: requests wait for it until {@code waitUntil}. */
    private record Look(CompletableFuture<View> answer, Instant waitUntil) {}

    Fleet(
            ConsulSettings consul,
            NovaClients clients,
            List<String> downstream,
            Duration cacheFor,
            Duration maxWait,
            Clock clock) {
        this.consul = ConsulClients.create(consul);
        this.clients = clients;
        this.downstream = List.copyOf(downstream);
        this.cacheFor = cacheFor;
        this.maxWait = maxWait;
        this.clock = clock;
    }

    /**
     * Every discovered service (or only {@code serviceName} when not empty) and all its instances.
     *
     * @throws NovaException UNAVAILABLE while the gateway has no view of Consul; NOT_FOUND for an
     *                       unknown {@code serviceName}
     */
    ListServicesResponse services(String serviceName) {
        View current = view().orElseThrow(() ->
                NovaException.unavailable("the gateway has no view of the fleet yet: Consul does not answer"));
        List<DiscoveredService> services = current.services().stream()
                .filter(service -> serviceName.isEmpty() || service.getName().equals(serviceName))
                .toList();
        if (!serviceName.isEmpty() && services.isEmpty()) {
            throw NovaException.notFound("service", serviceName);
        }
        return ListServicesResponse.newBuilder()
                .addAllServices(services)
                .setRefreshedAt(Protos.timestamp(current.takenAt()))
                .build();
    }

    /**
     * The health of the downstream services (or of {@code names} when not empty). The fleet is
     * NOT_SERVING without a view of Consul or when auth-service is (nobody can sign in),
     * DEGRADED when any service is not SERVING, else SERVING.
     */
    GetHealthResponse health(List<String> names) {
        Optional<View> current = view();
        List<String> asked = names.isEmpty() ? downstream : names;
        List<String> unknown =
                asked.stream().filter(name -> !isKnown(name, current)).toList();
        if (!unknown.isEmpty()) {
            throw NovaException.invalidArgument(
                    FieldViolation.of("service_names", "names no known service: " + String.join(", ", unknown)));
        }
        GetHealthResponse.Builder health = GetHealthResponse.newBuilder();
        for (String name : asked.stream().sorted().distinct().toList()) {
            health.addServices(serviceHealth(name, current));
        }
        boolean authDown = health.getServicesList().stream()
                .anyMatch(service -> service.getServiceName().equals(Backends.AUTH_SERVICE)
                        && service.getStatus() == ServingStatus.SERVING_STATUS_NOT_SERVING);
        boolean allServing = health.getServicesList().stream()
                .allMatch(service -> service.getStatus() == ServingStatus.SERVING_STATUS_SERVING);
        return health.setStatus(
                        current.isEmpty() || authDown
                                ? ServingStatus.SERVING_STATUS_NOT_SERVING
                                : allServing
                                        ? ServingStatus.SERVING_STATUS_SERVING
                                        : ServingStatus.SERVING_STATUS_DEGRADED)
                .build();
    }

    private boolean isKnown(String name, Optional<View> current) {
        return downstream.contains(name)
                || current.map(v -> v.services().stream()
                                .anyMatch(service -> service.getName().equals(name)))
                        .orElse(false);
    }

    @Override
    public void close() {
        consul.destroy();
    }

    private social.nova.contracts.gateway.v1.ServiceHealth serviceHealth(String name, Optional<View> current) {
        List<ServiceInstance> instances = current.flatMap(v -> v.services().stream()
                        .filter(service -> service.getName().equals(name))
                        .findFirst())
                .map(DiscoveredService::getInstancesList)
                .orElse(List.of());
        long healthy = instances.stream()
                .filter(i -> i.getStatus() == ServingStatus.SERVING_STATUS_SERVING)
                .count();
        CircuitState circuit = circuitState(clients.circuitBreaker(name).getState());
        Builder entry = social.nova.contracts.gateway.v1.ServiceHealth.newBuilder()
                .setServiceName(name)
                .setHealthyInstances((int) healthy)
                .setTotalInstances(instances.size())
                .setCircuitState(circuit);
        current.ifPresent(v -> entry.setCheckedAt(Protos.timestamp(v.takenAt())));
        if (current.isEmpty()) {
            return entry.setStatus(ServingStatus.SERVING_STATUS_NOT_SERVING)
                    .setDetail("no view of Consul yet")
                    .build();
        }
        if (healthy == 0) {
            return entry.setStatus(ServingStatus.SERVING_STATUS_NOT_SERVING)
                    .setDetail(instances.isEmpty() ? "no instance registered" : "no instance passes its checks")
                    .build();
        }
        if (circuit == CircuitState.CIRCUIT_STATE_OPEN) {
            return entry.setStatus(ServingStatus.SERVING_STATUS_NOT_SERVING)
                    .setDetail("circuit breaker open: recent calls failed")
                    .build();
        }
        if (healthy < instances.size()) {
            return entry.setStatus(ServingStatus.SERVING_STATUS_DEGRADED)
                    .setDetail(healthy + " of " + instances.size() + " instances pass their checks")
                    .build();
        }
        if (circuit == CircuitState.CIRCUIT_STATE_HALF_OPEN) {
            return entry.setStatus(ServingStatus.SERVING_STATUS_DEGRADED)
                    .setDetail("circuit breaker half-open: trying the service again")
                    .build();
        }
        return entry.setStatus(ServingStatus.SERVING_STATUS_SERVING).build();
    }

    /**
     * The cached view, refreshed when older than cache-for: the request waits for the look at
     * Consul up to max-wait after it started, then goes on with the last view.
     */
    private Optional<View> view() {
        Instant now = clock.instant();
        Look look = inFlight.get();
        // A failed look is not retried before cache-for either, so an outage of Consul does not
        // make every probe wait.
        if (look == null && !now.isBefore(lastAttempt.plus(cacheFor))) {
            look = startLook(now);
        }
        if (look != null) {
            awaitUntil(look);
        }
        return Optional.ofNullable(view);
    }

    /** Starts a look unless one is under way already; the one under way. */
    private Look startLook(Instant now) {
        Look mine = new Look(new CompletableFuture<>(), now.plus(maxWait));
        Look running = inFlight.compareAndExchange(null, mine);
        if (running != null) {
            return running;
        }
        lastAttempt = now;
        Thread.ofVirtual().name("fleet-consul-look").start(() -> {
            try {
                View fresh = new View(lookAtConsul(), now);
                view = fresh;
                mine.answer().complete(fresh);
            } catch (RuntimeException e) {
                View kept = view;
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Consul does not answer ({0}); {1}",
                        e.getMessage(),
                        kept == null ? "no view of the fleet yet" : "keeping the view of " + kept.takenAt());
                mine.answer().completeExceptionally(e);
            } finally {
                inFlight.compareAndSet(mine, null);
            }
        });
        return mine;
    }

    private void awaitUntil(Look look) {
        long millis = Duration.between(clock.instant(), look.waitUntil()).toMillis();
        if (millis <= 0) {
            return;
        }
        try {
            look.answer().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // Consul is slow or failed (logged by the look): the last view answers.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<DiscoveredService> lookAtConsul() {
        Map<String, List<String>> names =
                new TreeMap<>(consul.catalogClient().getServices().getResponse());
        names.remove(CONSUL_SERVICE);
        return names.keySet().stream()
                .map(name -> DiscoveredService.newBuilder()
                        .setName(name)
                        .addAllInstances(consul.healthClient().getAllServiceInstances(name).getResponse().stream()
                                .map(Fleet::instance)
                                .sorted(Comparator.comparing(ServiceInstance::getId))
                                .toList())
                        .build())
                .toList();
    }

    private static ServiceInstance instance(ServiceHealth entry) {
        var service = entry.getService();
        // Consul's rule: a service registered without its own address is reached at its node's.
        String address = service.getAddress() == null || service.getAddress().isBlank()
                ? entry.getNode().getAddress()
                : service.getAddress();
        Map<String, String> meta = service.getMeta() == null ? Map.of() : service.getMeta();
        return ServiceInstance.newBuilder()
                .setId(service.getId())
                .setServiceName(service.getService())
                .setAddress(address)
                .setPort(service.getPort())
                .setStatus(status(entry.getChecks()))
                .setVersion(meta.getOrDefault(InstanceMeta.VERSION, ""))
                .addAllTags(service.getTags() == null ? List.of() : service.getTags())
                .putAllMetadata(meta)
                .build();
    }

    /** Consul's aggregate: the worst check wins (passing, then warning, then critical). */
    private static ServingStatus status(List<HealthCheck> checks) {
        boolean warning = false;
        for (HealthCheck check : checks) {
            if (WARNING.equals(check.getStatus())) {
                warning = true;
            } else if (!PASSING.equals(check.getStatus())) {
                return ServingStatus.SERVING_STATUS_NOT_SERVING;
            }
        }
        return warning ? ServingStatus.SERVING_STATUS_DEGRADED : ServingStatus.SERVING_STATUS_SERVING;
    }

    private static CircuitState circuitState(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> CircuitState.CIRCUIT_STATE_CLOSED;
            case OPEN, FORCED_OPEN -> CircuitState.CIRCUIT_STATE_OPEN;
            case HALF_OPEN -> CircuitState.CIRCUIT_STATE_HALF_OPEN;
            default -> CircuitState.CIRCUIT_STATE_UNSPECIFIED;
        };
    }
}
