package social.nova.discovery;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A directory of fixed instances, changed only by {@link #set}: for running a caller without
 * Consul and for testing callers. Listeners are notified synchronously on {@link #set}.
 */
public final class StaticServiceDirectory implements ServiceDirectory {
    private final Map<String, List<ServiceInstance>> instances = new ConcurrentHashMap<>();
    private final Map<String, List<Consumer<List<ServiceInstance>>>> listeners = new ConcurrentHashMap<>();

    /** Replaces the healthy instances of a service and notifies its watchers. */
    public void set(String serviceName, List<ServiceInstance> healthy) {
        List<ServiceInstance> copy = List.copyOf(healthy);
        instances.put(serviceName, copy);
        listeners.getOrDefault(serviceName, List.of()).forEach(listener -> listener.accept(copy));
    }

    @Override
    public Subscription watchHealthy(String serviceName, Consumer<List<ServiceInstance>> listener) {
        listeners
                .computeIfAbsent(serviceName, name -> new CopyOnWriteArrayList<>())
                .add(listener);
        listener.accept(healthyInstances(serviceName));
        return () -> listeners.getOrDefault(serviceName, List.of()).remove(listener);
    }

    @Override
    public List<ServiceInstance> healthyInstances(String serviceName) {
        return instances.getOrDefault(serviceName, List.of());
    }

    @Override
    public void close() {
        listeners.clear();
    }
}
