package social.nova.discovery;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.HealthClient;

/**
 * The {@link ServiceDirectory} backed by Consul's health API: only instances whose checks all
 * pass are listed.
 *
 * <p>{@link #watchHealthy} shares one blocking-query loop per service name among all its
 * subscribers (see {@link HealthWatch}); each loop runs on a platform thread of its own, because
 * a blocking query holds its thread for up to {@code watch.blocking-time}. The loop stops when
 * its last subscriber leaves. {@link #healthyInstances} asks Consul directly. Every request
 * carries the configured ACL token.
 *
 * <p>Metrics: gauge {@code nova.discovery.watch.instances} and counter
 * {@code nova.discovery.watch.failures}, both tagged {@code service}.
 */
public final class ConsulServiceDirectory implements ServiceDirectory {
    private static final double BACKOFF_MULTIPLIER = 2.0;
    private static final double BACKOFF_RANDOMIZATION = 0.5;

    private final ConsulSettings settings;
    private final Consul consul;
    private final HealthClient health;
    private final MeterRegistry meters;
    private final IntervalFunction backoff;
    private final ExecutorService watchThreads;
    private final ExecutorService notifier;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, RunningWatch> watches = new HashMap<>();
    private boolean closed;

    private record RunningWatch(HealthWatch watch, Future<?> loop) {}

    private ConsulServiceDirectory(ConsulSettings settings, MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.meters = Objects.requireNonNull(meters, "meters");
        this.consul = ConsulClients.create(settings);
        this.health = consul.healthClient();
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                settings.retryInitialBackoff(), BACKOFF_MULTIPLIER, BACKOFF_RANDOMIZATION, settings.retryMaxBackoff());
        this.watchThreads = Executors.newCachedThreadPool(
                Thread.ofPlatform().daemon().name("nova-consul-watch-", 1).factory());
        this.notifier = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().daemon().name("nova-consul-notifier").factory());
    }

    /** A directory on the agent the settings name; no request is made until something is asked. */
    public static ConsulServiceDirectory create(ConsulSettings settings) {
        return create(settings, new CompositeMeterRegistry());
    }

    /** As {@link #create(ConsulSettings)}, with metrics in {@code meters}. */
    public static ConsulServiceDirectory create(ConsulSettings settings, MeterRegistry meters) {
        return new ConsulServiceDirectory(settings, meters);
    }

    /**
     * {@inheritDoc}
     *
     * <p>The first list arrives after the first successful query; while Consul cannot be
     * reached no list is delivered and the last one stays in force.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    @Override
    public Subscription watchHealthy(String serviceName, Consumer<List<ServiceInstance>> listener) {
        checkServiceName(serviceName);
        Objects.requireNonNull(listener, "listener");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("the service directory is closed");
            }
            RunningWatch running = watches.computeIfAbsent(serviceName, this::start);
            HealthWatch.Subscriber subscriber = running.watch().subscribe(listener);
            return new WatchSubscription(running, subscriber);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Asks Consul for the passing instances now.
     *
     * @throws DiscoveryException when Consul cannot be reached or refuses the query
     */
    @Override
    public List<ServiceInstance> healthyInstances(String serviceName) {
        checkServiceName(serviceName);
        try {
            return ConsulInstances.from(
                    health.getHealthyServiceInstances(serviceName).getResponse());
        } catch (RuntimeException failure) {
            throw new DiscoveryException(
                    "Could not list passing instances of " + serviceName + " at " + settings.url() + ": "
                            + ConsulFailures.describe(failure),
                    failure);
        }
    }

    /** Stops every watch and releases the HTTP client; blocking queries in flight are cancelled. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            watches.values().forEach(running -> running.watch().close());
            watches.clear();
        } finally {
            lock.unlock();
        }
        watchThreads.shutdownNow();
        notifier.shutdownNow();
        consul.destroy();
    }

    /** How many services are being watched (one loop each), for tests. */
    int watchCount() {
        lock.lock();
        try {
            return watches.size();
        } finally {
            lock.unlock();
        }
    }

    private RunningWatch start(String serviceName) {
        HealthWatch watch = new HealthWatch(serviceName, health, settings, backoff, notifier, meters);
        return new RunningWatch(watch, watchThreads.submit(watch::run));
    }

    private void unsubscribe(RunningWatch running, HealthWatch.Subscriber subscriber) {
        lock.lock();
        try {
            boolean idle = running.watch().unsubscribe(subscriber);
            if (idle && watches.remove(running.watch().serviceName(), running)) {
                running.watch().close();
                // Wakes a loop pausing between retries; one in a blocking query finishes it first.
                running.loop().cancel(true);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void checkServiceName(String serviceName) {
        Objects.requireNonNull(serviceName, "serviceName");
        if (serviceName.isBlank()) {
            throw new IllegalArgumentException("service name must not be blank");
        }
    }

    private final class WatchSubscription implements Subscription {
        private final RunningWatch running;
        private final HealthWatch.Subscriber subscriber;
        private final AtomicBoolean closed = new AtomicBoolean();

        private WatchSubscription(RunningWatch running, HealthWatch.Subscriber subscriber) {
            this.running = running;
            this.subscriber = subscriber;
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                unsubscribe(running, subscriber);
            }
        }
    }
}
