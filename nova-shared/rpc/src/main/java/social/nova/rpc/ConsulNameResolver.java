package social.nova.rpc;

import java.net.InetSocketAddress;
import java.util.List;

import io.grpc.Attributes;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.StatusOr;
import io.grpc.SynchronizationContext;
import social.nova.discovery.ServiceDirectory;
import social.nova.discovery.ServiceInstance;

/**
 * Feeds a channel the passing instances of one service, one address group per instance, from a
 * {@link ServiceDirectory} watch. The directory pushes every change, so an instance that fails its
 * health check leaves the channel's rotation as soon as the directory reports it (and
 * round_robin independently stops picking a connection that broke).
 *
 * <p>No passing instance is reported as UNAVAILABLE "no healthy instance of &lt;service&gt; in
 * Consul". A channel that still has a working connection keeps using it until it breaks (grpc's
 * treatment of a resolution error); {@link #refresh()}, which grpc calls when connections fail,
 * then reports the error again so that callers see it.
 */
final class ConsulNameResolver extends NameResolver {
    /** The directory's record of the instance behind an address group. */
    static final Attributes.Key<ServiceInstance> INSTANCE = Attributes.Key.create("nova.service-instance");

    private final String serviceName;
    private final ServiceDirectory directory;
    private final SynchronizationContext syncContext;

    // Touched only in syncContext.
    private Listener2 listener;
    private ServiceDirectory.Subscription subscription;
    private List<EquivalentAddressGroup> addresses;
    private boolean shutdown;

    ConsulNameResolver(String serviceName, ServiceDirectory directory, SynchronizationContext syncContext) {
        this.serviceName = serviceName;
        this.directory = directory;
        this.syncContext = syncContext;
    }

    @Override
    public String getServiceAuthority() {
        return serviceName;
    }

    @Override
    public void start(Listener2 listener) {
        this.listener = listener;
        this.subscription = directory.watchHealthy(serviceName, this::onInstances);
    }

    /** Runs on the directory's thread; the channel's state changes only in its syncContext. */
    private void onInstances(List<ServiceInstance> instances) {
        List<EquivalentAddressGroup> groups = instances.stream()
                .map(instance -> new EquivalentAddressGroup(
                        new InetSocketAddress(instance.address(), instance.port()),
                        Attributes.newBuilder().set(INSTANCE, instance).build()))
                .toList();
        syncContext.execute(() -> publish(groups));
    }

    private void publish(List<EquivalentAddressGroup> groups) {
        if (shutdown) {
            return;
        }
        addresses = groups;
        if (groups.isEmpty()) {
            listener.onError(
                    Status.UNAVAILABLE.withDescription("no healthy instance of " + serviceName + " in Consul"));
        } else {
            listener.onResult2(ResolutionResult.newBuilder()
                    .setAddressesOrError(StatusOr.fromValue(groups))
                    .build());
        }
    }

    @Override
    public void refresh() {
        if (addresses != null) {
            publish(addresses);
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
        if (subscription != null) {
            subscription.close();
        }
    }
}
