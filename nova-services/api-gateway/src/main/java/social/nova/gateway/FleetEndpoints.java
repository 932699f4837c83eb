package social.nova.gateway;

import java.util.regex.Pattern;

import io.grpc.stub.StreamObserver;
import social.nova.contracts.gateway.v1.DiscoveryServiceGrpc;
import social.nova.contracts.gateway.v1.GetHealthRequest;
import social.nova.contracts.gateway.v1.GetHealthResponse;
import social.nova.contracts.gateway.v1.HealthServiceGrpc;
import social.nova.contracts.gateway.v1.ListServicesRequest;
import social.nova.contracts.gateway.v1.ListServicesResponse;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;

/**
 * The gRPC face of the fleet view (contracts {@code nova.gateway.v1}), the same data as
 * {@code GET /api/v1/services} and {@code GET /health}: proto in, {@link Fleet}, proto out.
 */
final class FleetEndpoints {
    private static final Pattern SERVICE_NAME = Pattern.compile("[a-z0-9-]{1,63}");

    private FleetEndpoints() {}

    /** {@code nova.gateway.v1.DiscoveryService}: needs an access token (it reveals addresses). */
    static final class Discovery extends DiscoveryServiceGrpc.DiscoveryServiceImplBase {
        private final Fleet fleet;

        Discovery(Fleet fleet) {
            this.fleet = fleet;
        }

        @Override
        public void listServices(ListServicesRequest request, StreamObserver<ListServicesResponse> response) {
            Callers.require();
            String name = request.getServiceName();
            if (!name.isEmpty() && !SERVICE_NAME.matcher(name).matches()) {
                throw NovaException.invalidArgument(
                        FieldViolation.of("service_name", "must be 1..63 characters of a-z, 0-9 and '-'"));
            }
            reply(response, fleet.services(name));
        }
    }

    /** {@code nova.gateway.v1.HealthService}: public, like {@code /health}. */
    static final class Health extends HealthServiceGrpc.HealthServiceImplBase {
        private final Fleet fleet;

        Health(Fleet fleet) {
            this.fleet = fleet;
        }

        @Override
        public void getHealth(GetHealthRequest request, StreamObserver<GetHealthResponse> response) {
            reply(response, fleet.health(request.getServiceNamesList()));
        }
    }
}
