package social.nova.rpc;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.github.resilience4j.bulkhead.BulkheadRegistry;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;
import io.github.resilience4j.micrometer.tagged.TaggedBulkheadMetrics;
import io.github.resilience4j.micrometer.tagged.TaggedCircuitBreakerMetrics;
import io.grpc.Channel;
import io.grpc.ClientInterceptor;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.NameResolverRegistry;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.helidon.config.Config;
import io.micrometer.core.instrument.MeterRegistry;
import social.nova.discovery.ServiceDirectory;

/**
 * Resilient gRPC channels to Nova services, one per target service, found through a
 * {@link ServiceDirectory} (Consul) and balanced round robin over its passing instances.
 *
 * <pre>{@code
 * NovaClients clients = NovaClients.create(config.get("rpc"), directory, meterRegistry);
 * UserServiceGrpc.UserServiceBlockingStub users =
 *         clients.stub("user-service", UserServiceGrpc::newBlockingStub);
 * }</pre>
 *
 * <p>Every call passes the same chain of interceptors, composed in {@link #interceptors} and
 * nowhere else. Outermost first:
 * <ol>
 *   <li>{@link DependencyFailureInterceptor}: marks the call's final failure as a dependency
 *       failure, which a handler passing it on answers with, so no caller above retries it; outside
 *       retry and breaker, which judge the target's unmarked answers;</li>
 *   <li>{@link ClientMetricsInterceptor}: times the call as its caller sees it, retries and fast
 *       failures included, tagged with the final status;</li>
 *   <li>{@link PropagationInterceptor}: request id, caller and authorization from the Context into
 *       the headers, once, so every attempt carries them;</li>
 *   <li>{@link DeadlineInterceptor}: the method's default deadline when the caller set none; it is
 *       outside retry so that all attempts share one deadline;</li>
 *   <li>{@link RetryInterceptor}: outside bulkhead and breaker so that every attempt passes them
 *       again (an attempt is refused while the breaker is open, and holds a bulkhead slot);</li>
 *   <li>{@link BulkheadInterceptor}: outside the breaker, so that its rejections never reach the
 *       breaker and cannot open it;</li>
 *   <li>{@link CircuitBreakerInterceptor}: innermost, so it judges only calls that really went to
 *       the target.</li>
 * </ol>
 * Then the channel: {@link ConsulNameResolverProvider} addresses, {@code round_robin}, netty.
 *
 * <p>Channels are opened on first use and kept; {@link #close()} shuts them all down.
 */
public final class NovaClients implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NovaClients.class.getName());
    private static final String LOAD_BALANCING_POLICY = "round_robin";
    /** How often close() checks whether calls in flight have finished. */
    private static final long DRAIN_POLL_MILLIS = 10;

    private final RpcSettings settings;
    private final MeterRegistry meters;
    private final NameResolverRegistry resolvers = new NameResolverRegistry();
    private final CircuitBreakerRegistry breakers = CircuitBreakerRegistry.ofDefaults();
    private final BulkheadRegistry bulkheads = BulkheadRegistry.ofDefaults();
    private final ScheduledThreadPoolExecutor retryScheduler;
    private final Map<String, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final CallLatencies latencies = new CallLatencies();
    private volatile boolean closed;

    private NovaClients(RpcSettings settings, ServiceDirectory directory, MeterRegistry meters) {
        this.settings = settings;
        this.meters = meters;
        // Local to this factory, so that factories over different directories coexist.
        resolvers.register(new ConsulNameResolverProvider(directory));
        retryScheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name("nova-rpc-retry-", 0).factory());
        retryScheduler.setRemoveOnCancelPolicy(true);
        TaggedCircuitBreakerMetrics.ofCircuitBreakerRegistry(breakers).bindTo(meters);
        TaggedBulkheadMetrics.ofBulkheadRegistry(bulkheads).bindTo(meters);
    }

    /** Clients configured by the {@code rpc} config node (see {@link RpcSettings}). */
    public static NovaClients create(Config rpc, ServiceDirectory directory, MeterRegistry meters) {
        return create(RpcSettings.create(rpc), directory, meters);
    }

    /** Clients with the given settings; the directory stays the caller's to close. */
    public static NovaClients create(RpcSettings settings, ServiceDirectory directory, MeterRegistry meters) {
        return new NovaClients(settings, directory, meters);
    }

    /** The channel to a target service (opened on first use, then shared). */
    public ManagedChannel channel(String targetService) {
        ConsulNameResolverProvider.requireServiceName(targetService);
        if (closed) {
            throw new IllegalStateException("NovaClients is closed");
        }
        ManagedChannel channel = channels.computeIfAbsent(targetService, this::openChannel);
        if (closed) { // lost a race with close()
            channel.shutdownNow();
            throw new IllegalStateException("NovaClients is closed");
        }
        return channel;
    }

    /**
     * A channel to a target service for long-lived streaming calls (a gateway's WebSocket bridged to
     * a server stream): the same Consul addresses, {@code round_robin}, keep-alive and request
     * propagation as {@link #channel}, and the method's deadline from {@code deadlines} (give a
     * stream method a long one), but no bulkhead, circuit breaker or retry. A stream open for hours
     * would hold a bulkhead slot for its whole life, and count as a slow call that opens the
     * target's breaker for everyone; a stream that ends is resumed by its caller, not retried. Its
     * HTTP/2 flow-control window is {@code flowControlWindowBytes} per stream: what one stream may
     * buffer in the caller before the caller asks for more (grpc-java's default is 1 MiB). Opened
     * on first use per target and window, then shared; {@link #close()} shuts it down.
     */
    public ManagedChannel streamChannel(String targetService, int flowControlWindowBytes) {
        ConsulNameResolverProvider.requireServiceName(targetService);
        if (flowControlWindowBytes <= 0) {
            throw new IllegalArgumentException("flowControlWindowBytes must be positive: " + flowControlWindowBytes);
        }
        if (closed) {
            throw new IllegalStateException("NovaClients is closed");
        }
        ManagedChannel channel = channels.computeIfAbsent(
                "stream:" + flowControlWindowBytes + ":" + targetService,
                key -> openStreamChannel(targetService, flowControlWindowBytes));
        if (closed) { // lost a race with close()
            channel.shutdownNow();
            throw new IllegalStateException("NovaClients is closed");
        }
        return channel;
    }

    /** A stub on {@link #channel}, e.g. {@code stub("user-service", UserServiceGrpc::newBlockingStub)}. */
    public <S> S stub(String targetService, Function<Channel, S> stubFactory) {
        return stubFactory.apply(channel(targetService));
    }

    /** The exact latency of every call made through these clients (served by the kit at {@code /observe/rpc-latency}). */
    public CallLatencies latencies() {
        return latencies;
    }

    /** The circuit breaker of a target (for readiness checks and dashboards). */
    public CircuitBreaker circuitBreaker(String targetService) {
        return breakers.circuitBreaker(
                targetService,
                CircuitBreakerInterceptor.config(
                        settings.forTarget(targetService).circuitBreaker()));
    }

    private ManagedChannel openChannel(String target) {
        ClientSettings client = settings.forTarget(target);
        ManagedChannel managed =
                builder(target, client.channel(), interceptors(target, client)).build();
        LOG.log(System.Logger.Level.DEBUG, "opened channel to {0}", target);
        return managed;
    }

    private ManagedChannel openStreamChannel(String target, int flowControlWindowBytes) {
        ClientSettings client = settings.forTarget(target);
        ManagedChannelBuilder<?> builder = builder(
                target,
                client.channel(),
                List.of(new PropagationInterceptor(), new DeadlineInterceptor(client.deadlines())));
        if (builder instanceof NettyChannelBuilder netty) {
            netty.flowControlWindow(flowControlWindowBytes);
        }
        LOG.log(System.Logger.Level.DEBUG, "opened stream channel to {0}", target);
        return builder.build();
    }

    /** A channel builder to a target through Consul, with interceptors given outermost first. */
    private ManagedChannelBuilder<?> builder(
            String target, ChannelSettings channel, List<ClientInterceptor> outermostFirst) {
        // The builder runs interceptors in the reverse order of the list it is given.
        List<ClientInterceptor> innermostFirst = new ArrayList<>(outermostFirst);
        Collections.reverse(innermostFirst);
        return Grpc.newChannelBuilder(
                        ConsulNameResolverProvider.target(target), InsecureChannelCredentials.create(), resolvers)
                .defaultLoadBalancingPolicy(LOAD_BALANCING_POLICY)
                .keepAliveTime(channel.keepAliveTime().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveTimeout(channel.keepAliveTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .keepAliveWithoutCalls(channel.keepAliveWithoutCalls())
                .idleTimeout(channel.idleTimeout().toNanos(), TimeUnit.NANOSECONDS)
                .maxInboundMessageSize(channel.maxInboundMessageSize())
                .intercept(innermostFirst);
    }

    /** The one place where a target's client behaviour is composed, outermost first (see above). */
    private List<ClientInterceptor> interceptors(String target, ClientSettings client) {
        ClientMetrics metrics = new ClientMetrics(target, meters, latencies);
        return List.of(
                new DependencyFailureInterceptor(),
                new ClientMetricsInterceptor(metrics),
                new PropagationInterceptor(),
                new DeadlineInterceptor(client.deadlines()),
                new RetryInterceptor(client.retry(), retryScheduler, metrics),
                new BulkheadInterceptor(
                        target, bulkheads.bulkhead(target, BulkheadInterceptor.config(client.bulkhead()))),
                new CircuitBreakerInterceptor(target, circuitBreaker(target)));
    }

    /**
     * Shuts every channel down (new calls fail), waits up to {@code rpc.shutdown-timeout} for calls
     * in flight and retries already scheduled, then cancels whatever is left. Safe to call more
     * than once.
     */
    @Override
    public void close() {
        closed = true;
        List<ManagedChannel> open = List.copyOf(channels.values());
        open.forEach(ManagedChannel::shutdown);
        // Retries already scheduled still run (and fail fast on the shut-down channel), so that
        // their callers get an answer.
        retryScheduler.shutdown();
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        try {
            // Not awaitTermination(): grpc keeps a subchannel removed by the balancer for seconds
            // after its last call, so the channel terminates late even when nothing is in flight.
            while (!drained() && System.nanoTime() < deadline) {
                Thread.sleep(DRAIN_POLL_MILLIS);
            }
            if (!drained()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "calls still in flight after {0}; cancelling them",
                        settings.shutdownTimeout());
            }
            open.forEach(ManagedChannel::shutdownNow);
            for (ManagedChannel channel : open) {
                channel.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            open.forEach(ManagedChannel::shutdownNow);
            Thread.currentThread().interrupt();
        } finally {
            retryScheduler.shutdownNow();
        }
    }

    /** No retry pending and no call holding a bulkhead slot (every call that left holds one). */
    private boolean drained() {
        return retryScheduler.isTerminated()
                && bulkheads.getAllBulkheads().stream()
                        .allMatch(bulkhead -> bulkhead.getMetrics().getAvailableConcurrentCalls()
                                == bulkhead.getMetrics().getMaxAllowedConcurrentCalls());
    }
}
