package social.nova.discovery;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.kiwiproject.consul.AgentClient;
import org.kiwiproject.consul.Consul;
import org.kiwiproject.consul.model.agent.ImmutableRegCheck;
import org.kiwiproject.consul.model.agent.ImmutableRegistration;
import org.kiwiproject.consul.model.agent.Registration;

/**
 * Keeps one instance registered with the local Consul agent for as long as it runs.
 *
 * <p>{@link #register()} registers the instance with two checks the agent runs itself: a
 * {@code grpc.health.v1} check ({@code GRPC: "address:port/<service>"}, no TLS) and an HTTP check
 * on the readiness URL, both with the configured interval, timeout and
 * {@code DeregisterCriticalServiceAfter}. From then on a background thread asks the agent every
 * {@code registration.verify-interval} whether it still lists the instance and registers it
 * again if not: a restarted dev agent forgets everything, and an agent that reaped the instance
 * after a long critical spell would otherwise never see it again. While the agent is
 * unreachable the thread logs once, retries with randomised exponential backoff and lets no
 * exception escape. {@link #deregister()} (or {@link #close()}) removes the instance at once
 * on graceful shutdown.
 *
 * <p>Metrics: {@code nova.discovery.registrations} (tags {@code service}, {@code kind} =
 * {@code initial}|{@code repair}) and {@code nova.discovery.registration.failures}
 * (tag {@code service}).
 */
public final class ConsulRegistrar implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConsulRegistrar.class.getName());
    private static final double BACKOFF_MULTIPLIER = 2.0;
    private static final double BACKOFF_RANDOMIZATION = 0.5;
    private static final long MILLIS_PER_SECOND = 1000;

    private enum State {
        NEW,
        ACTIVE,
        DEREGISTERED,
        CLOSED
    }

    private final ConsulSettings settings;
    private final InstanceRegistration registration;
    private final AgentServiceRegistration agentRegistration;
    private final Consul consul;
    private final AgentClient agent;
    private final IntervalFunction backoff;
    private final ScheduledExecutorService scheduler;
    private final Counter initialRegistrations;
    private final Counter repairRegistrations;
    private final Counter failureCount;
    private final ReentrantLock lock = new ReentrantLock();

    // Guarded by lock.
    private State state = State.NEW;
    private ScheduledFuture<?> nextVerify;
    private int consecutiveFailures;
    private boolean everRegistered;
    private volatile boolean registered;

    private ConsulRegistrar(ConsulSettings settings, InstanceRegistration registration, MeterRegistry meters) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.registration = Objects.requireNonNull(registration, "registration");
        this.agentRegistration = AgentServiceRegistration.create(
                settings, toConsulRegistration(registration, settings), registration.taggedAddresses());
        this.consul = ConsulClients.create(settings);
        this.agent = consul.agentClient();
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                settings.retryInitialBackoff(), BACKOFF_MULTIPLIER, BACKOFF_RANDOMIZATION, settings.retryMaxBackoff());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                .daemon()
                .name("nova-consul-registrar-" + registration.instanceId())
                .factory());
        this.initialRegistrations = registrations(meters, registration.serviceName(), "initial");
        this.repairRegistrations = registrations(meters, registration.serviceName(), "repair");
        this.failureCount = Counter.builder("nova.discovery.registration.failures")
                .description("Failed calls to the Consul agent while registering or verifying the instance")
                .tag("service", registration.serviceName())
                .register(meters);
    }

    /** A registrar for one instance; nothing is sent to Consul before {@link #register()}. */
    public static ConsulRegistrar create(ConsulSettings settings, InstanceRegistration registration) {
        return create(settings, registration, new CompositeMeterRegistry());
    }

    /** As {@link #create(ConsulSettings, InstanceRegistration)}, counting into {@code meters}. */
    public static ConsulRegistrar create(
            ConsulSettings settings, InstanceRegistration registration, MeterRegistry meters) {
        return new ConsulRegistrar(settings, registration, Objects.requireNonNull(meters, "meters"));
    }

    /**
     * Registers the instance and starts keeping it registered. If the agent cannot be reached
     * the failure is logged and the background thread keeps trying, so a service may start
     * before its agent. Can be called once.
     *
     * @throws DiscoveryException    if the agent refuses the registration (HTTP 4xx, e.g. a
     *                               missing or insufficient ACL token): retrying cannot help
     * @throws IllegalStateException if called again or after {@link #close()}
     */
    public void register() {
        lock.lock();
        try {
            if (state != State.NEW) {
                throw new IllegalStateException("instance " + registration.instanceId()
                        + " cannot be registered again (registrar is " + state + ")");
            }
            try {
                agentRegistration.send();
            } catch (RuntimeException failure) {
                if (ConsulFailures.isRefusal(failure)) {
                    throw new DiscoveryException(refusalMessage(failure), failure);
                }
                state = State.ACTIVE;
                recordFailure(failure);
                scheduleVerify(backoffAfterFailure());
                return;
            }
            state = State.ACTIVE;
            recordRegistration(initialRegistrations);
            LOG.log(
                    Level.INFO,
                    "Registered {0} ({1}) with Consul at {2}; checks: gRPC {3}, HTTP {4} every {5}",
                    registration.instanceId(),
                    registration.authority(),
                    settings.url(),
                    registration.grpcCheckTarget(),
                    registration.readinessUrl(),
                    goDuration(settings.checkInterval()));
            scheduleVerify(settings.verifyInterval());
        } finally {
            lock.unlock();
        }
    }

    /**
     * Removes the instance from the agent at once and stops keeping it registered; call it on
     * graceful shutdown before the server stops. Failures are logged, not thrown: the agent then
     * drops the instance after its checks have failed for {@code deregister-critical-after}.
     * Harmless when not registered.
     */
    public void deregister() {
        lock.lock();
        try {
            if (state != State.ACTIVE) {
                return;
            }
            state = State.DEREGISTERED;
            cancelVerify();
            registered = false;
            try {
                agent.deregister(registration.instanceId());
                LOG.log(Level.INFO, "Deregistered {0} from Consul at {1}", registration.instanceId(), settings.url());
            } catch (RuntimeException failure) {
                LOG.log(
                        Level.WARNING,
                        "Could not deregister {0} from Consul at {1}: {2}; the agent drops it once "
                                + "its checks have been critical for {3}",
                        registration.instanceId(),
                        settings.url(),
                        ConsulFailures.describe(failure),
                        settings.deregisterCriticalAfter());
            }
        } finally {
            lock.unlock();
        }
    }

    /** Whether the last call to the agent confirmed the instance is registered. */
    public boolean isRegistered() {
        return registered;
    }

    public String instanceId() {
        return registration.instanceId();
    }

    public InstanceRegistration registration() {
        return registration;
    }

    /** Deregisters (if registered), stops the background thread and releases the HTTP client. */
    @Override
    public void close() {
        deregister();
        lock.lock();
        try {
            if (state == State.CLOSED) {
                return;
            }
            state = State.CLOSED;
        } finally {
            lock.unlock();
        }
        scheduler.shutdownNow();
        agentRegistration.close();
        consul.destroy();
    }

    /** The agent's registration document: the instance and its two checks. */
    static Registration toConsulRegistration(InstanceRegistration instance, ConsulSettings settings) {
        String interval = goDuration(settings.checkInterval());
        String timeout = goDuration(settings.checkTimeout());
        String deregisterAfter = goDuration(settings.deregisterCriticalAfter());
        Registration.RegCheck grpc = ImmutableRegCheck.builder()
                .id("service:" + instance.instanceId() + ":grpc")
                .name("gRPC health " + instance.grpcCheckTarget())
                .grpc(instance.grpcCheckTarget())
                .grpcUseTls(false)
                .interval(interval)
                .timeout(timeout)
                .deregisterCriticalServiceAfter(deregisterAfter)
                .build();
        Registration.RegCheck http = ImmutableRegCheck.builder()
                .id("service:" + instance.instanceId() + ":ready")
                .name("HTTP readiness " + instance.readinessUrl())
                .http(instance.readinessUrl().toString())
                .interval(interval)
                .timeout(timeout)
                .deregisterCriticalServiceAfter(deregisterAfter)
                .build();
        return ImmutableRegistration.builder()
                .id(instance.instanceId())
                .name(instance.serviceName())
                .address(instance.address())
                .port(instance.port())
                .tags(instance.tags())
                .meta(instance.meta())
                .addChecks(grpc, http)
                .build();
    }

    /** A duration as Go's time.ParseDuration (and so every Consul version) reads it: "5s", "1500ms". */
    static String goDuration(Duration duration) {
        long millis = duration.toMillis();
        return millis % MILLIS_PER_SECOND == 0 ? millis / MILLIS_PER_SECOND + "s" : millis + "ms";
    }

    private void verify() {
        lock.lock();
        try {
            if (state != State.ACTIVE) {
                return;
            }
            try {
                if (!agent.isRegistered(registration.instanceId())) {
                    agentRegistration.send();
                    recordRegistration(everRegistered ? repairRegistrations : initialRegistrations);
                    LOG.log(
                            Level.INFO,
                            "Consul agent at {0} did not list {1} (agent restarted, instance reaped, "
                                    + "or unreachable at start-up); registered it again",
                            settings.url(),
                            registration.instanceId());
                } else {
                    registered = true;
                }
                if (consecutiveFailures > 0) {
                    LOG.log(
                            Level.INFO,
                            "Consul agent at {0} answers again for {1} after {2} failed attempts",
                            settings.url(),
                            registration.instanceId(),
                            consecutiveFailures);
                    consecutiveFailures = 0;
                }
                scheduleVerify(settings.verifyInterval());
            } catch (RuntimeException failure) {
                recordFailure(failure);
                scheduleVerify(backoffAfterFailure());
            }
        } finally {
            lock.unlock();
        }
    }

    private void recordRegistration(Counter counter) {
        everRegistered = true;
        registered = true;
        counter.increment();
    }

    private void recordFailure(RuntimeException failure) {
        registered = false;
        consecutiveFailures++;
        failureCount.increment();
        // Once per outage: an agent down for an hour must not flood the log.
        Level level = consecutiveFailures == 1 ? Level.WARNING : Level.DEBUG;
        LOG.log(
                level,
                "Consul agent at {0} failed for {1}: {2}; keeping the instance registered in the "
                        + "background, retrying with backoff up to {3} (logged once until it recovers)",
                settings.url(),
                registration.instanceId(),
                ConsulFailures.describe(failure),
                settings.retryMaxBackoff());
    }

    private Duration backoffAfterFailure() {
        return Duration.ofMillis(backoff.apply(consecutiveFailures));
    }

    private void scheduleVerify(Duration delay) {
        cancelVerify();
        nextVerify = scheduler.schedule(this::verify, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void cancelVerify() {
        if (nextVerify != null) {
            nextVerify.cancel(false);
            nextVerify = null;
        }
    }

    private String refusalMessage(RuntimeException failure) {
        String hint = ConsulFailures.isPermissionDenied(failure)
                ? (settings.token().isPresent()
                        ? " The configured ACL token (consul.acl-token) lacks service:write on '"
                                + registration.serviceName() + "'."
                        : " No ACL token is configured: set consul.acl-token to a token with service:write on '"
                                + registration.serviceName() + "'.")
                : "";
        return "Consul at " + settings.url() + " refused to register " + registration.instanceId() + ": "
                + ConsulFailures.describe(failure) + "." + hint;
    }

    private static Counter registrations(MeterRegistry meters, String serviceName, String kind) {
        return Counter.builder("nova.discovery.registrations")
                .description("Registrations of the instance with the Consul agent")
                .tag("service", serviceName)
                .tag("kind", kind)
                .register(meters);
    }
}
