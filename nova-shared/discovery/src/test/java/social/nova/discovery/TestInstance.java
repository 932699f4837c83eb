package social.nova.discovery;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;

/**
 * A stand-in for a Nova service instance: a real grpc-java server with the standard
 * grpc.health.v1 service and a tiny HTTP server answering the readiness path, both bound to an
 * address the Consul container can reach (the Docker bridge gateway), so the agent's own checks
 * probe them for real.
 */
final class TestInstance implements AutoCloseable {
    private static final int HTTP_OK = 200;
    private static final int HTTP_UNAVAILABLE = 503;
    private static final int SHUTDOWN_SECONDS = 5;

    private final String serviceName;
    private final String host;
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server grpc;
    private final HttpServer http;
    private volatile boolean ready = true;

    private TestInstance(String serviceName, String host) throws IOException {
        this.serviceName = serviceName;
        this.host = host;
        health.setStatus(serviceName, ServingStatus.SERVING);
        this.grpc = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
                .addService(health.getHealthService())
                .build()
                .start();
        this.http = HttpServer.create(new InetSocketAddress(host, 0), 0);
        http.createContext(InstanceRegistration.DEFAULT_READINESS_PATH, exchange -> {
            byte[] body = (ready ? "{\"status\":\"UP\"}" : "{\"status\":\"DOWN\"}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(ready ? HTTP_OK : HTTP_UNAVAILABLE, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        http.start();
    }

    /** Starts both servers on {@code host}, reporting SERVING for {@code serviceName}. */
    static TestInstance start(String serviceName, String host) throws IOException {
        return new TestInstance(serviceName, host);
    }

    /** Flips what grpc.health.v1 answers for the service name. */
    void serving(boolean serving) {
        health.setStatus(serviceName, serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    /** Flips what the readiness endpoint answers: 200 or 503. */
    void ready(boolean ready) {
        this.ready = ready;
    }

    int grpcPort() {
        return grpc.getPort();
    }

    URI readinessUrl() {
        return URI.create(
                "http://" + host + ":" + http.getAddress().getPort() + InstanceRegistration.DEFAULT_READINESS_PATH);
    }

    /** A registration of this instance: its gRPC port, and its readiness URL on the HTTP port. */
    InstanceRegistration.Builder registration() {
        return InstanceRegistration.builder(serviceName)
                .address(host)
                .port(grpcPort())
                .readinessUrl(readinessUrl());
    }

    /** Stops both servers: the agent's checks then fail with connection refused. */
    @Override
    public void close() {
        grpc.shutdownNow();
        http.stop(0);
        try {
            grpc.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
