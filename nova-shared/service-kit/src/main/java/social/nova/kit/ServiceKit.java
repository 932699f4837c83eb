package social.nova.kit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.grpc.BindableService;
import io.helidon.config.Config;
import io.helidon.logging.common.LogConfig;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.spi.ServerFeature;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmCompilationMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import redis.clients.jedis.RedisClient;
import social.nova.db.Database;
import social.nova.db.OutboxRelay;
import social.nova.db.OutboxRelaySettings;
import social.nova.discovery.ServiceDirectory;
import social.nova.events.EventHandler;
import social.nova.events.EventSubscription;
import social.nova.events.EventSubscriptionSettings;
import social.nova.events.EventSubscriptions;
import social.nova.redis.StreamPublisher;
import social.nova.redis.StreamPublisherSettings;
import social.nova.rpc.NovaClients;

/**
 * The one way to start a Nova service. A service's {@code Main} creates the kit, asks it for the
 * infrastructure it needs, builds its domain objects and gRPC endpoints, and starts:
 *
 * <pre>{@code
 * ServiceKit kit = ServiceKit.create();
 * AuthService auth = new AuthService(new AuthStore(kit.database().jdbi()), kit.redis(), ...);
 * kit.start(new AuthEndpoint(auth));
 * }</pre>
 *
 * <p>The kit reads {@code application.yaml} (environment variables override it: {@code SERVER_PORT},
 * {@code DB_URL}, {@code CONSUL_URL}...), creates each piece of infrastructure once on first use and
 * adds it to readiness, serves gRPC and HTTP on one port with {@code grpc.health.v1},
 * {@code /observe/health} and {@code /observe/metrics}, installs the interceptors every service
 * shares (metrics, call context and deadlines, error mapping, authentication), registers the
 * instance in Consul, and shuts down gracefully.
 */
public final class ServiceKit {
    private static final System.Logger LOG = System.getLogger(ServiceKit.class.getName());

    private final Config config;
    private final ServiceInfo info;
    private final MeterRegistry meterRegistry;
    private final Readiness readiness = new Readiness();
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final List<ServerFeature> serverFeatures = new ArrayList<>();
    private final List<Runnable> drainListeners = new ArrayList<>();
    /**
     * Guards the infrastructure and the resources. A lock, not {@code synchronized}: creating the
     * infrastructure (migrations, connections) and closing it block on I/O, which inside a monitor
     * would pin a virtual thread's carrier on Java 21.
     */
    private final ReentrantLock lock = new ReentrantLock();

    private Infrastructure infrastructure;
    private CallAuthenticator authenticator = CallAuthenticator.NONE;
    private final ForwardedFor forwardedFor;

    private ServiceKit(Config config) {
        this.config = config;
        this.info = ServiceInfo.create(config.get("service"));
        this.forwardedFor = ForwardedFor.create(ForwardingSettings.create(config.get("forwarding")));
        this.meterRegistry = Metrics.globalRegistry().unwrap(MeterRegistry.class);
        // jvm_compilation_time_ms_total: how long the JIT has spent compiling. Operators see a
        // service still warming up; the harness waits for it to flatten before it judges latency.
        new JvmCompilationMetrics().bindTo(meterRegistry);
        // jvm_memory_used_bytes / jvm_memory_max_bytes {area, id}: the heap and its pools, what an
        // operator sizes a container by (and how `./nova bench` shows media-service's heap flat
        // during a 100 MiB upload).
        new JvmMemoryMetrics().bindTo(meterRegistry);
    }

    /** A kit on {@code application.yaml} from the class path, overridden by environment and system properties. */
    public static ServiceKit create() {
        return create(Config.create());
    }

    public static ServiceKit create(Config config) {
        // Applies the service's logging.properties (Helidon does this only in its own Main).
        LogConfig.configureRuntime();
        DevelopmentSecrets.refuseOutsideDev(config);
        return new ServiceKit(config);
    }

    public Config config() {
        return config;
    }

    public ServiceInfo info() {
        return info;
    }

    /** The registry behind {@code /observe/metrics}. */
    public MeterRegistry meterRegistry() {
        return meterRegistry;
    }

    public Readiness readiness() {
        return readiness;
    }

    /** The service's database (config {@code db}), migrated on first use; part of readiness. */
    public Database database() {
        return infrastructure().database();
    }

    /** The Redis client (config {@code redis}); part of readiness. */
    public RedisClient redis() {
        return infrastructure().redis();
    }

    /** Healthy instances of other services, watched in Consul (config {@code consul}). */
    public ServiceDirectory directory() {
        return infrastructure().directory();
    }

    /** Resilient gRPC channels to other services (config {@code rpc}). */
    public NovaClients clients() {
        return infrastructure().clients();
    }

    /**
     * Starts publishing the service's transactional outbox to Redis Streams (config
     * {@code db.outbox}; stream {@code nova.events.<aggregate type>}); stopped with the service.
     */
    public OutboxRelay startOutboxRelay() {
        lock.lock();
        try {
            return closeOnStop(OutboxRelay.start(
                    database(),
                    new StreamPublisher(
                            redis(), StreamPublisherSettings.create(config.get("redis.streams")), meterRegistry),
                    OutboxRelaySettings.create(config.get("db.outbox")),
                    meterRegistry));
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts handing the events of {@code settings.stream()} to {@code handler} as consumer group
     * {@code settings.group()}, with nova-events' guarantees (duplicates dropped, a dead-letter
     * stream after {@code max-deliveries} failures, the {@code nova.events.lag} metric); stopped
     * with the service.
     */
    public EventSubscription subscribe(EventSubscriptionSettings settings, EventHandler handler) {
        return closeOnStop(EventSubscriptions.create(redis(), meterRegistry).subscribe(settings, handler));
    }

    /**
     * Signs the client address the gateway forwards, and checks it in calls that arrive (config
     * {@code forwarding}): only a signed address is taken as the caller's.
     */
    public ForwardedFor forwardedFor() {
        return forwardedFor;
    }

    /** Verifies the {@code authorization} bearer token of inbound calls (see {@link CallAuthenticator}). */
    public ServiceKit authenticateWith(CallAuthenticator authenticator) {
        this.authenticator = authenticator;
        return this;
    }

    /** Closes {@code resource} when the service stops, before the infrastructure it uses. */
    public <T extends AutoCloseable> T closeOnStop(T resource) {
        lock.lock();
        try {
            resources.push(resource);
        } finally {
            lock.unlock();
        }
        return resource;
    }

    /**
     * Adds a Helidon server feature to the server {@link #start} builds: what a service serves
     * beyond gRPC and HTTP routes on the same port (the API gateway's WebSocket routing). Call it
     * before {@code start}.
     */
    public ServiceKit addServerFeature(ServerFeature feature) {
        lock.lock();
        try {
            serverFeatures.add(feature);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * Runs {@code listener} when the service drains at shutdown: after it left Consul and the
     * propagation delay passed (no new traffic comes), while the server still runs, before calls in
     * flight are waited for. For what no call ends by itself: long-lived connections are told to go
     * (the gateway closes its WebSockets with 1001 Going Away). A listener that throws is logged.
     */
    public ServiceKit onDrain(Runnable listener) {
        lock.lock();
        try {
            drainListeners.add(listener);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /**
     * Starts serving the given gRPC services (grpc-java {@link BindableService}s or Helidon
     * {@code GrpcService}s) and registers the instance in Consul.
     */
    public RunningService start(Object... grpcServices) {
        return start(routing -> {}, grpcServices);
    }

    /**
     * As {@link #start(Object...)}, with HTTP routes of the service's own (the API gateway's JSON API)
     * on the same port, beside {@code /observe}.
     */
    public RunningService start(Consumer<HttpRouting.Builder> http, Object... grpcServices) {
        return RunningService.start(this, http, List.of(grpcServices));
    }

    Infrastructure infrastructure() {
        lock.lock();
        try {
            if (infrastructure == null) {
                infrastructure = new Infrastructure(config, meterRegistry, readiness);
            }
            return infrastructure;
        } finally {
            lock.unlock();
        }
    }

    boolean hasInfrastructure() {
        lock.lock();
        try {
            return infrastructure != null;
        } finally {
            lock.unlock();
        }
    }

    CallAuthenticator authenticator() {
        return authenticator;
    }

    List<ServerFeature> serverFeatures() {
        lock.lock();
        try {
            return List.copyOf(serverFeatures);
        } finally {
            lock.unlock();
        }
    }

    /** Runs the drain listeners in the order they were added; never throws. */
    void drain() {
        List<Runnable> listeners;
        lock.lock();
        try {
            listeners = List.copyOf(drainListeners);
        } finally {
            lock.unlock();
        }
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "A drain listener failed", e);
            }
        }
    }

    /** Closes what services registered, then the infrastructure, newest first; never throws. */
    void closeResources() {
        lock.lock();
        try {
            while (!resources.isEmpty()) {
                closeQuietly(resources.pop());
            }
            if (infrastructure != null) {
                infrastructure.close();
            }
        } finally {
            lock.unlock();
        }
    }

    static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Failed to close " + closeable, e);
        }
    }

    static <T> T named(String what, Supplier<T> create) {
        try {
            return create.get();
        } catch (RuntimeException e) {
            throw new IllegalStateException("Cannot start " + what + ": " + e.getMessage(), e);
        }
    }
}
