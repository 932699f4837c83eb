package social.nova.discovery;

import java.util.Comparator;
import java.util.List;

import org.kiwiproject.consul.model.health.Service;
import org.kiwiproject.consul.model.health.ServiceHealth;

/** Maps Consul's health entries to {@link ServiceInstance}s. */
final class ConsulInstances {
    private ConsulInstances() {}

    /** The instances, ordered by id so that equal sets compare equal. */
    static List<ServiceInstance> from(List<ServiceHealth> entries) {
        return entries.stream()
                .map(ConsulInstances::from)
                .sorted(Comparator.comparing(ServiceInstance::id))
                .toList();
    }

    static ServiceInstance from(ServiceHealth entry) {
        Service service = entry.getService();
        // Consul's rule: a service registered without its own address is reached at its node's.
        String address = service.getAddress() == null || service.getAddress().isBlank()
                ? entry.getNode().getAddress()
                : service.getAddress();
        return new ServiceInstance(
                service.getId(),
                service.getService(),
                address,
                service.getPort(),
                service.getTags(),
                service.getMeta());
    }
}
