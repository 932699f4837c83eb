package social.nova.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

import com.sun.net.httpserver.HttpServer;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import org.testcontainers.consul.ConsulContainer;
import social.nova.discovery.ConsulRegistrar;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceRegistration;
import social.nova.testing.SharedContainers;

/**
 * A tiny grpc-java server of one hand-written service implementation, for a stub the test drives
 * live (calls that stay open, are fed and ended by the test, and whose cancellation it sees):
 * nova-service-testing's RegisteredStub answers a stream with a fixed list and completes it. It is
 * registered in Consul as RegisteredStub registers (gRPC health and an HTTP readiness check), and the
 * implementation reads each call's {@code authorization} header from {@link #AUTHORIZATION}.
 */
final class LiveStubServer implements AutoCloseable {
    /** The {@code authorization} header of the call being handled. */
    static final Context.Key<String> AUTHORIZATION = Context.key("stub-authorization");

    private static final Metadata.Key<String> AUTHORIZATION_HEADER =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

    private final Server server;
    private final HttpServer readiness;
    private final ConsulRegistrar registrar;

    /** Starts {@code service} and registers it in {@code consul} as an instance of {@code serviceName}. */
    LiveStubServer(ConsulContainer consul, String serviceName, BindableService service) {
        String host = SharedContainers.hostAddressSeenFrom(consul);
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(
                        Context.current().withValue(AUTHORIZATION, metadata.get(AUTHORIZATION_HEADER)),
                        call,
                        metadata,
                        next);
            }
        };
        HealthStatusManager health = new HealthStatusManager();
        health.setStatus("", HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(serviceName, HealthCheckResponse.ServingStatus.SERVING);
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
                    .addService(ServerInterceptors.intercept(service, headers))
                    .addService(health.getHealthService())
                    .build()
                    .start();
            readiness = HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        readiness.createContext(InstanceRegistration.DEFAULT_READINESS_PATH, exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        readiness.start();
        registrar = ConsulRegistrar.create(
                ConsulSettings.builder()
                        .url(SharedContainers.consulHttpUri(consul))
                        .checkInterval(Duration.ofSeconds(1))
                        .build(),
                InstanceRegistration.builder(serviceName)
                        .instanceId(serviceName + "-live-stub-" + server.getPort())
                        .address(host)
                        .port(server.getPort())
                        .tag("grpc")
                        .tag("stub")
                        .version("stub")
                        .readinessUrl(URI.create("http://" + host + ":"
                                + readiness.getAddress().getPort() + InstanceRegistration.DEFAULT_READINESS_PATH))
                        .build());
        registrar.register();
    }

    @Override
    public void close() {
        registrar.close();
        readiness.stop(0);
        server.shutdownNow();
    }
}
