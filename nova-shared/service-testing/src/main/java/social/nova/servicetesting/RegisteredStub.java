package social.nova.servicetesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;
import io.grpc.ServiceDescriptor;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracttesting.NovaStubServer;
import social.nova.discovery.ConsulRegistrar;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceRegistration;
import social.nova.testing.SharedContainers;

/**
 * A {@link NovaStubServer} standing in for a Nova service in another service's integration tests,
 * registered in a Consul agent as an instance of that service: with the gRPC health check (the
 * stub serves {@code grpc.health.v1}) and the HTTP readiness check (a loopback-free HTTP endpoint
 * answering 200) that every Nova instance has, so the caller's resilient client finds it exactly as
 * it finds the real service.
 *
 * <pre>{@code
 * RegisteredStub users = RegisteredStub.start("user-service", UserServiceGrpc.getServiceDescriptor(),
 *         "content-service", SharedContainers.consul());
 * users.stubs().stub(UserServiceGrpc.getGetUserMethod())...
 * }</pre>
 *
 * {@link #close()} deregisters it, stops it and writes the consumer's contract.
 */
public final class RegisteredStub implements AutoCloseable {
    /** The {@code version} meta every stub registers with (a real instance registers its build's). */
    public static final String VERSION = "stub";

    private static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);
    private final NovaStubServer stubs;
    private final HttpServer readiness;
    private final ConsulRegistrar registrar;
    private final AtomicBoolean closed = new AtomicBoolean();

    private RegisteredStub(NovaStubServer stubs, HttpServer readiness, ConsulRegistrar registrar) {
        this.stubs = stubs;
        this.readiness = readiness;
        this.registrar = registrar;
    }

    /**
     * Starts a stub of {@code provider} for {@code consumer} and registers it in {@code consul}; it
     * passes its checks within a check interval or two (use {@code ConsulHealth.awaitPassing}).
     *
     * @param consumer the service under test, whose contract the stub writes; {@code null} writes
     *                 none (a test of the consumer's own behaviour, such as its error mapping)
     */
    public static RegisteredStub start(
            String provider, ServiceDescriptor service, String consumer, ConsulContainer consul) {
        String host = SharedContainers.hostAddressSeenFrom(consul);
        NovaStubServer.Builder builder =
                NovaStubServer.forService(provider, service).bindAddress(host);
        if (consumer != null) {
            builder.consumer(consumer);
        }
        NovaStubServer stubs = builder.start();
        HttpServer readiness;
        try {
            readiness = HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            stubs.close();
            throw new UncheckedIOException("cannot start the readiness endpoint of the " + provider + " stub", e);
        }
        readiness.createContext(InstanceRegistration.DEFAULT_READINESS_PATH, exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        readiness.start();
        InstanceRegistration registration = InstanceRegistration.builder(provider)
                .instanceId(provider + "-stub-" + stubs.port())
                .address(host)
                .port(stubs.port())
                .tag("grpc")
                .tag("stub")
                .version(VERSION)
                .readinessUrl(URI.create("http://" + host + ":"
                        + readiness.getAddress().getPort() + InstanceRegistration.DEFAULT_READINESS_PATH))
                .build();
        ConsulRegistrar registrar = ConsulRegistrar.create(
                ConsulSettings.builder()
                        .url(SharedContainers.consulHttpUri(consul))
                        .checkInterval(CHECK_INTERVAL)
                        .build(),
                registration);
        registrar.register();
        return new RegisteredStub(stubs, readiness, registrar);
    }

    /** The stub server: define stubs, read recorded calls. */
    public NovaStubServer stubs() {
        return stubs;
    }

    /** Leaves Consul, stops, writes the consumer contract; fails if a call matched no stub. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        registrar.close();
        readiness.stop(0);
        stubs.close();
    }
}
