package social.nova.discovery;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One running instance of a Nova service as discovery knows it.
 *
 * @param id          unique instance id (Consul service id), e.g. {@code auth-service-7f3a}
 * @param serviceName logical service name, e.g. {@code auth-service}
 * @param address     host or IP callers connect to
 * @param port        the instance's port (gRPC and HTTP share it)
 * @param tags        Consul tags, e.g. {@code grpc}, {@code v1}
 * @param meta        Consul meta: version, git commit, proto package, owner
 */
public record ServiceInstance(
        String id, String serviceName, String address, int port, List<String> tags, Map<String, String> meta) {
    public ServiceInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(serviceName, "serviceName");
        Objects.requireNonNull(address, "address");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        tags = List.copyOf(tags);
        meta = Map.copyOf(meta);
    }

    /** {@code address:port}, the authority a gRPC channel dials. */
    public String authority() {
        return address.contains(":") ? "[" + address + "]:" + port : address + ":" + port;
    }
}
