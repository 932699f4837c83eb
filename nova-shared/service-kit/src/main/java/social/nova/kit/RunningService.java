package social.nova.kit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.ProtoFileDescriptorSupplier;
import io.grpc.protobuf.services.HealthStatusManager;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.grpc.GrpcReflectionFeature;
import io.helidon.webserver.grpc.GrpcRouting;
import io.helidon.webserver.grpc.GrpcService;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import social.nova.errors.ErrorMappingInterceptor;
import social.nova.rpc.CallContext;
import social.nova.rpc.CallLatencies;
import social.nova.rpc.NovaClients;

/**
 * A started Nova service: one Helidon WebServer port serving gRPC and HTTP, registered in Consul.
 * {@link #stop()} (also run by the JVM shutdown hook) shuts it down gracefully: not ready, out of
 * Consul, drain in-flight calls within a bound, stop, close resources.
 */
public final class RunningService implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RunningService.class.getName());

    /** The exact latency of this service's outgoing gRPC calls (nova-rpc's {@link CallLatencies}). */
    static final String RPC_LATENCY_PATH = "/observe/rpc-latency";

    private final ServiceKit kit;
    private final WebServer server;
    private final HealthStatusManager grpcHealth;
    private final GrpcServerMetrics metrics;
    private final List<String> grpcServiceNames;
    private final ShutdownSettings shutdown;
    private final TrafficSettings traffic;
    /** The port's one concurrency limit: HTTP (the listener) and gRPC (an interceptor) share it. */
    private final Limit limit;

    private final Thread healthSync;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread shutdownHook;
    private volatile ConsulPresence consul = ConsulPresence.NONE;
    /** This JVM's garbage-collection pauses, at {@value JvmPauses#PATH}. */
    private final JvmPauses pauses = JvmPauses.start();

    private RunningService(ServiceKit kit, Consumer<HttpRouting.Builder> http, List<Object> services) {
        this.kit = kit;
        this.shutdown = ShutdownSettings.create(kit.config().get("shutdown"));
        this.grpcHealth = new HealthStatusManager();
        this.metrics = new GrpcServerMetrics(kit.meterRegistry(), kit.info().name());
        this.grpcServiceNames = new ArrayList<>();
        this.traffic = TrafficSettings.create(kit.config().get("traffic"));
        this.limit = Traffic.limit(traffic);
        grpcServiceNames.add(kit.info().name());

        GrpcRouting.Builder grpc = GrpcRouting.builder()
                // Outermost first: metrics see the status the caller receives; deadlines, request id and
                // identity are in the Context before handlers run; errors are mapped inside that Context.
                .intercept(interceptors().toArray(ServerInterceptor[]::new));
        bind(grpc, grpcHealth.getHealthService());
        for (Object service : services) {
            switch (service) {
                case BindableService bindable -> grpcServiceNames.add(bind(grpc, bindable));
                case GrpcService helidon -> {
                    grpcServiceNames.add(helidon.serviceName());
                    grpc.service(helidon);
                }
                default ->
                    throw new IllegalArgumentException("not a gRPC service (BindableService or GrpcService): "
                            + service.getClass().getName());
            }
        }

        Readiness readiness = kit.readiness();
        WebServerConfig.Builder builder = WebServer.builder()
                .config(Traffic.withHttp2Defaults(kit.config().get("server")));
        Traffic.apply(traffic, limit, builder);
        kit.serverFeatures().forEach(builder::addFeature);
        this.server = builder.shutdownHook(false)
                .addRouting(grpc)
                // gRPC server reflection (grpc.reflection.v1): grpcurl, Postman and Kreya list the
                // services and read their descriptors without the .proto files. On unless
                // grpc.reflection is false; the descriptors are the published contracts anyway.
                .addFeature(GrpcReflectionFeature.create(reflection -> reflection.enabled(
                        kit.config().get("grpc.reflection").asBoolean().orElse(true))))
                .routing(routing -> {
                    routing.get(RPC_LATENCY_PATH, this::rpcLatency);
                    routing.get(
                            JvmPauses.PATH,
                            (request, response) -> response.header(HeaderValues.CONTENT_TYPE_JSON)
                                    .send(pauses.toJson(kit.info().name())));
                    http.accept(routing);
                })
                .addFeature(ObserveFeature.builder()
                        .addObserver(HealthObserver.builder()
                                .details(true)
                                .addCheck(readiness)
                                .addCheck(
                                        () -> HealthCheckResponse.builder()
                                                .status(true)
                                                .build(),
                                        HealthCheckType.LIVENESS,
                                        "alive")
                                .build())
                        .addObserver(MetricsObserver.create(kit.config().get("metrics")))
                        .build())
                .build();
        this.healthSync =
                Thread.ofVirtual().name(kit.info().name() + "-grpc-health").unstarted(this::syncGrpcHealth);
        this.shutdownHook = new Thread(this::stop, kit.info().name() + "-shutdown");
    }

    /**
     * Routes a grpc-java service together with the .proto file that declares it, so that server
     * reflection can hand its descriptors out (without the file, Helidon's reflection lists the
     * service but answers "Unable to find proto file" to grpcurl's describe). Returns its name.
     */
    private static String bind(GrpcRouting.Builder grpc, BindableService service) {
        ServerServiceDefinition definition = service.bindService();
        if (definition.getServiceDescriptor().getSchemaDescriptor() instanceof ProtoFileDescriptorSupplier proto) {
            grpc.service(proto.getFileDescriptor(), service);
        } else {
            grpc.service(service);
        }
        return definition.getServiceDescriptor().getName();
    }

    static RunningService start(ServiceKit kit, Consumer<HttpRouting.Builder> http, List<Object> services) {
        Http2PseudoHeaderPatch.check();
        RunningService running = new RunningService(kit, http, services);
        running.server.start();
        running.publishGrpcHealth(kit.readiness().isReady());
        running.healthSync.start();
        Runtime.getRuntime().addShutdownHook(running.shutdownHook);
        running.consul = ConsulPresence.register(kit, running.port());
        LOG.log(
                System.Logger.Level.INFO,
                "{0} {1} serving gRPC and HTTP on port {2}",
                kit.info().name(),
                kit.info().version(),
                running.port());
        return running;
    }

    private List<ServerInterceptor> interceptors() {
        return List.of(
                // Outside everything that may refuse a call before its handler starts.
                new EarlyCloseInterceptor(),
                metrics,
                CallContext.serverInterceptor(),
                new ErrorMappingInterceptor(CallContext::currentRequestId),
                new GrpcConcurrencyInterceptor(limit, traffic.retryAfter()),
                new CallerInterceptor(kit.authenticator(), kit.forwardedFor()));
    }

    private void rpcLatency(ServerRequest request, ServerResponse response) {
        CallLatencies latencies = kit.hasInfrastructure()
                ? kit.infrastructure()
                        .openedClients()
                        .map(NovaClients::latencies)
                        .orElseGet(CallLatencies::new)
                : new CallLatencies();
        response.header(HeaderValues.CONTENT_TYPE_JSON)
                .send(latencies.toJson(kit.info().name()));
    }

    /** The port gRPC and HTTP are served on (useful when configured as 0). */
    public int port() {
        return server.port();
    }

    /** Calls currently being served. */
    public int inFlightCalls() {
        return metrics.inFlight();
    }

    public boolean isRunning() {
        return server.isRunning();
    }

    /** Graceful shutdown; safe to call more than once and from the shutdown hook. */
    public void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        LOG.log(System.Logger.Level.INFO, "{0} shutting down", kit.info().name());
        kit.readiness().startDraining();
        // NOT_SERVING for good: the health sync may be halfway through a readiness check that began
        // before draining, and must not publish SERVING when it returns.
        grpcHealth.enterTerminalState();
        consul.deregister();
        sleep(shutdown.propagationDelay());
        kit.drain();
        long deadline = System.nanoTime() + shutdown.drainTimeout().toNanos();
        while (metrics.inFlight() > 0 && System.nanoTime() < deadline) {
            sleep(Duration.ofMillis(20));
        }
        if (metrics.inFlight() > 0) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "{0} calls still in flight after {1}; stopping anyway",
                    metrics.inFlight(),
                    shutdown.drainTimeout());
        }
        healthSync.interrupt();
        server.stop();
        consul.close();
        pauses.close();
        kit.closeResources();
        if (Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; nothing to remove
            }
        }
        LOG.log(System.Logger.Level.INFO, "{0} stopped", kit.info().name());
    }

    @Override
    public void close() {
        stop();
    }

    /** Mirrors readiness into grpc.health.v1, which Consul's gRPC check reads. */
    private void syncGrpcHealth() {
        Duration interval =
                kit.config().get("health.sync-interval").as(Duration.class).orElse(Duration.ofSeconds(1));
        while (!Thread.currentThread().isInterrupted() && !stopped.get()) {
            publishGrpcHealth(kit.readiness().isReady());
            if (!sleep(interval)) {
                return;
            }
        }
    }

    private void publishGrpcHealth(boolean ready) {
        ServingStatus status = ready ? ServingStatus.SERVING : ServingStatus.NOT_SERVING;
        grpcHealth.setStatus("", status);
        grpcServiceNames.forEach(name -> grpcHealth.setStatus(name, status));
    }

    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
