package social.nova.discovery;

import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.kiwiproject.consul.HealthClient;
import org.kiwiproject.consul.model.ConsulResponse;
import org.kiwiproject.consul.model.health.ServiceHealth;
import org.kiwiproject.consul.option.Options;
import org.kiwiproject.consul.option.QueryOptions;

/**
 * The one watch of one service's passing instances, shared by all its subscribers: a loop of
 * blocking queries on {@code /v1/health/service/<name>?passing} that returns as soon as Consul's
 * index moves, so a check turning critical or passing reaches subscribers right after Consul
 * knows it.
 *
 * <p>The loop follows Consul's rules for blocking queries: the index is reset when it goes
 * backwards (a restarted dev agent starts from scratch) and after every failure, so the first
 * answer of a recovered agent comes back at once instead of after a full blocking wait. While
 * Consul cannot be reached subscribers keep the last list they got: an agent restart is no
 * reason to drop every healthy instance. The loop runs on its own thread; listeners are called
 * on the directory's notifier thread, in order, each with the latest list.
 */
final class HealthWatch {
    private static final System.Logger LOG = System.getLogger(HealthWatch.class.getName());

    private final String serviceName;
    private final HealthClient health;
    private final ConsulSettings settings;
    private final IntervalFunction backoff;
    private final Executor notifier;
    private final Set<Subscriber> subscribers = new CopyOnWriteArraySet<>();
    private final Counter failureCount;
    private final Gauge instanceGauge;
    private final MeterRegistry meters;

    private volatile List<ServiceInstance> current;
    private volatile boolean closed;

    HealthWatch(
            String serviceName,
            HealthClient health,
            ConsulSettings settings,
            IntervalFunction backoff,
            Executor notifier,
            MeterRegistry meters) {
        this.serviceName = serviceName;
        this.health = health;
        this.settings = settings;
        this.backoff = backoff;
        this.notifier = notifier;
        this.meters = meters;
        this.failureCount = Counter.builder("nova.discovery.watch.failures")
                .description("Failed blocking queries of a watched service's health")
                .tag("service", serviceName)
                .register(meters);
        this.instanceGauge = Gauge.builder("nova.discovery.watch.instances", this, HealthWatch::knownInstances)
                .description("Passing instances of a watched service, as last seen")
                .tag("service", serviceName)
                .register(meters);
    }

    String serviceName() {
        return serviceName;
    }

    /** Adds a listener; it gets the current list (if one is known yet) and then every change. */
    Subscriber subscribe(Consumer<List<ServiceInstance>> listener) {
        Subscriber subscriber = new Subscriber(listener);
        subscribers.add(subscriber);
        notifier.execute(() -> subscriber.deliver(current));
        return subscriber;
    }

    /** Removes a listener; returns whether no subscriber is left. */
    boolean unsubscribe(Subscriber subscriber) {
        subscriber.closed = true;
        subscribers.remove(subscriber);
        return subscribers.isEmpty();
    }

    /**
     * Stops the loop. A blocking query in flight is abandoned (its answer is ignored); it ends
     * by itself within the blocking time, or at once when the directory closes its client.
     */
    void close() {
        closed = true;
        subscribers.forEach(subscriber -> subscriber.closed = true);
        subscribers.clear();
        // The gauge would report a stale count; the failure counter stays cumulative.
        meters.remove(instanceGauge);
    }

    /** The loop; runs until {@link #close()} or until its thread is interrupted. */
    void run() {
        BigInteger index = null;
        int consecutiveFailures = 0;
        while (!closed && !Thread.currentThread().isInterrupted()) {
            ConsulResponse<List<ServiceHealth>> response;
            try {
                response = health.getHealthyServiceInstances(serviceName, queryOptions(index));
            } catch (RuntimeException failure) {
                if (closed) {
                    return;
                }
                consecutiveFailures++;
                failureCount.increment();
                logFailure(failure, consecutiveFailures);
                index = null;
                if (!pause(backoff.apply(consecutiveFailures))) {
                    return;
                }
                continue;
            }
            if (closed) {
                return;
            }
            if (consecutiveFailures > 0) {
                LOG.log(
                        Level.INFO,
                        "Watch of {0} at {1} resumed after {2} failed queries",
                        serviceName,
                        settings.url(),
                        consecutiveFailures);
                consecutiveFailures = 0;
            }
            index = nextIndex(index, response.getIndex());
            publish(ConsulInstances.from(response.getResponse()));
        }
    }

    /**
     * The index for the next query, by Consul's rules: none (an immediate answer) when the index
     * is missing or went backwards, otherwise the new one.
     */
    static BigInteger nextIndex(BigInteger previous, BigInteger returned) {
        if (returned == null || returned.signum() <= 0) {
            return null;
        }
        if (previous != null && returned.compareTo(previous) < 0) {
            return null;
        }
        return returned;
    }

    private QueryOptions queryOptions(BigInteger index) {
        if (index == null) {
            return Options.BLANK_QUERY_OPTIONS;
        }
        return QueryOptions.blockSeconds((int) settings.watchBlockingTime().toSeconds(), index)
                .build();
    }

    private void publish(List<ServiceInstance> instances) {
        if (instances.equals(current)) {
            return;
        }
        current = instances;
        LOG.log(Level.DEBUG, "Passing instances of {0}: {1}", serviceName, instances);
        notifier.execute(() -> subscribers.forEach(subscriber -> subscriber.deliver(current)));
    }

    private void logFailure(RuntimeException failure, int consecutiveFailures) {
        // Once per outage; the INFO on recovery closes it.
        Level level = consecutiveFailures == 1 ? Level.WARNING : Level.DEBUG;
        LOG.log(
                level,
                "Watch of {0} at {1} failed: {2}; keeping the last {3} instances, retrying with backoff "
                        + "up to {4} (logged once until it recovers)",
                serviceName,
                settings.url(),
                ConsulFailures.describe(failure),
                knownInstances(),
                settings.retryMaxBackoff());
    }

    private int knownInstances() {
        List<ServiceInstance> known = current;
        return known == null ? 0 : known.size();
    }

    private boolean pause(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** One listener and what it last got; only touched on the notifier thread, except {@code closed}. */
    static final class Subscriber {
        private final Consumer<List<ServiceInstance>> listener;
        private List<ServiceInstance> delivered;
        private volatile boolean closed;

        private Subscriber(Consumer<List<ServiceInstance>> listener) {
            this.listener = listener;
        }

        private void deliver(List<ServiceInstance> instances) {
            if (closed || instances == null || instances.equals(delivered)) {
                return;
            }
            delivered = instances;
            try {
                listener.accept(instances);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "A listener of passing instances threw; it stays subscribed", e);
            }
        }
    }
}
