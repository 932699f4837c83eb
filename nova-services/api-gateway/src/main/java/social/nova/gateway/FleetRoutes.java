package social.nova.gateway;

import java.util.List;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.common.v1.ServingStatus;
import social.nova.contracts.gateway.v1.DiscoveredService;
import social.nova.contracts.gateway.v1.GetHealthResponse;
import social.nova.contracts.gateway.v1.ListServicesResponse;
import social.nova.contracts.gateway.v1.ServiceHealth;
import social.nova.contracts.gateway.v1.ServiceInstance;
import social.nova.kit.Caller;

/**
 * The operator's view of the fleet ({@link Fleet}): {@code GET /api/v1/services} lists every
 * discovered instance (signed-in users only: it reveals internal addresses) and {@code GET /health}
 * the state of each downstream service, for load balancers and people; it answers 503 only when
 * the gateway cannot route at all. Registered at the root.
 */
final class FleetRoutes implements HttpService {
    private static final String SERVING_STATUS_PREFIX = "SERVING_STATUS_";
    private static final String CIRCUIT_STATE_PREFIX = "CIRCUIT_STATE_";

    private final Fleet fleet;
    private final Authentication authentication;
    private final Json json;

    record InstanceView(String id, String address, int port, String status, String version) {}

    record ServiceView(String name, List<InstanceView> instances) {}

    record ServicesView(List<ServiceView> services, String refreshedAt) {}

    record ServiceHealthView(
            String name,
            String status,
            int healthyInstances,
            int totalInstances,
            String circuitBreaker,
            String detail,
            String checkedAt) {}

    record HealthView(String status, List<ServiceHealthView> services) {}

    FleetRoutes(Fleet fleet, Authentication authentication, Json json) {
        this.fleet = fleet;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/api/v1/services", authentication.required(this::services)).get("/health", this::health);
    }

    private void services(ServerRequest request, ServerResponse response, Caller caller) {
        ListServicesResponse services = fleet.services("");
        json.send(
                response,
                new ServicesView(
                        services.getServicesList().stream()
                                .map(FleetRoutes::service)
                                .toList(),
                        Views.time(services.hasRefreshedAt(), services.getRefreshedAt())));
    }

    private void health(ServerRequest request, ServerResponse response) {
        GetHealthResponse health = fleet.health(List.of());
        Status status = health.getStatus() == ServingStatus.SERVING_STATUS_NOT_SERVING
                ? Status.SERVICE_UNAVAILABLE_503
                : Status.OK_200;
        json.send(
                response,
                status,
                new HealthView(
                        name(health.getStatus()),
                        health.getServicesList().stream()
                                .map(FleetRoutes::serviceHealth)
                                .toList()));
    }

    private static ServiceView service(DiscoveredService service) {
        return new ServiceView(
                service.getName(),
                service.getInstancesList().stream().map(FleetRoutes::instance).toList());
    }

    private static InstanceView instance(ServiceInstance instance) {
        return new InstanceView(
                instance.getId(),
                instance.getAddress(),
                instance.getPort(),
                name(instance.getStatus()),
                instance.getVersion());
    }

    private static ServiceHealthView serviceHealth(ServiceHealth health) {
        return new ServiceHealthView(
                health.getServiceName(),
                name(health.getStatus()),
                health.getHealthyInstances(),
                health.getTotalInstances(),
                health.getCircuitState().name().substring(CIRCUIT_STATE_PREFIX.length()),
                health.getDetail().isEmpty() ? null : health.getDetail(),
                Views.time(health.hasCheckedAt(), health.getCheckedAt()));
    }

    /** {@code SERVING_STATUS_NOT_SERVING} reads {@code NOT_SERVING} in JSON. */
    private static String name(ServingStatus status) {
        return status.name().substring(SERVING_STATUS_PREFIX.length());
    }
}
