package social.nova.discovery;

import java.util.List;
import java.util.function.Consumer;

/**
 * Where callers learn which instances of a service are healthy. The Consul implementation
 * ({@link ConsulServiceDirectory}) watches with blocking queries; {@link StaticServiceDirectory}
 * serves fixed addresses (local runs, tests of callers).
 */
public interface ServiceDirectory extends AutoCloseable {

    /**
     * Follows the passing instances of a service. The listener receives the whole current list
     * once soon after subscribing (possibly empty) and again after every change, from a thread
     * of the directory's own; it must not block.
     *
     * @return a handle whose {@code close()} stops the notifications
     */
    Subscription watchHealthy(String serviceName, Consumer<List<ServiceInstance>> listener);

    /** The passing instances known right now (a snapshot; may query the directory). */
    List<ServiceInstance> healthyInstances(String serviceName);

    @Override
    void close();

    /** Stops one watch; closing twice is harmless. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }
}
