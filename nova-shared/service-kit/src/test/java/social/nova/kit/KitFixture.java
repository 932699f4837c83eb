package social.nova.kit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.helidon.config.Config;
import social.nova.errors.NovaException;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A Nova service started on the kit the way a service's {@code Main} does it (infrastructure
 * first, then {@code authenticateWith}, then {@code start}) serving a {@link ProbeService}, plus
 * a grpc-java netty client and an HTTP client for it.
 */
final class KitFixture implements AutoCloseable {
    /** The name of the shared instance (see {@code application.yaml} of the tests). */
    static final String SHARED_NAME = "kit-probe";
    /** The service {@link ProbeService#RELAY} calls through {@code kit.clients()}. */
    static final String NEXT_HOP = "kit-next-hop";
    /** Tokens {@code valid-<user>} verify as that user; any other token is refused. */
    static final CallAuthenticator AUTHENTICATOR = token -> {
        if (token.startsWith("valid-")) {
            return new Caller(token.substring("valid-".length()), "session-1");
        }
        throw NovaException.unauthenticated("access token is invalid or expired");
    };

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    final ServiceKit kit;
    final ProbeService probe;
    final RunningService service;
    final String host;
    /** The port as it was when the service started (a stopped server reports none). */
    final int port;

    final ManagedChannel channel;

    private KitFixture(Map<String, String> overrides, boolean withInfrastructure) {
        kit = ServiceKit.create(config(overrides));
        if (withInfrastructure) {
            kit.database();
            kit.redis();
        }
        kit.authenticateWith(AUTHENTICATOR);
        probe = new ProbeService(() -> kit.clients().channel(NEXT_HOP));
        service = kit.start(probe);
        host = kit.config().get("server.host").asString().get();
        port = service.port();
        channel = ManagedChannelBuilder.forAddress(host, port).usePlaintext().build();
    }

    /**
     * The instance the tests share: database and Redis from the shared containers, Consul for
     * {@code kit.clients()}, not registered.
     */
    static KitFixture shared() {
        return Shared.INSTANCE;
    }

    /** A service of the test's own on the shared containers; {@code overrides} win over everything. */
    static KitFixture start(Map<String, String> overrides, boolean withInfrastructure) {
        return new KitFixture(overrides, withInfrastructure);
    }

    /** Overrides that register a service in the shared Consul, on an address the agent's checks reach. */
    static Map<String, String> registeredInConsul(String serviceName) {
        Map<String, String> values = new HashMap<>(ServiceConfigs.registeredIn(SharedContainers.consul()));
        values.put("service.name", serviceName);
        return values;
    }

    /** Config: the tests' application.yaml, the shared containers, then the test's overrides. */
    static Config config(Map<String, String> overrides) {
        Map<String, String> values = new HashMap<>();
        values.put("consul.url", SharedContainers.consulHttpUri().toString());
        values.putAll(overrides);
        return ServiceConfigs.config(KitFixture.class, "kit_probe", "kit_probe_service", values);
    }

    /** A channel whose calls carry the given headers (name, value, name, value...). */
    Channel withHeaders(String... namesAndValues) {
        Metadata headers = new Metadata();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            headers.put(Metadata.Key.of(namesAndValues[i], Metadata.ASCII_STRING_MARSHALLER), namesAndValues[i + 1]);
        }
        return ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    static String call(Channel channel, MethodDescriptor<String, String> method, String request) {
        return call(channel, method, CallOptions.DEFAULT, request);
    }

    static String call(Channel channel, MethodDescriptor<String, String> method, CallOptions options, String request) {
        return ClientCalls.blockingUnaryCall(channel, method, options, request);
    }

    /** What {@link ProbeService#INSPECT} saw of a call made on {@code channel}. */
    static Map<String, String> inspect(Channel channel, CallOptions options) {
        return ProbeService.parse(call(channel, ProbeService.INSPECT, options, ""));
    }

    /** Makes a call that must fail, and returns its status. */
    static StatusRuntimeException failure(Channel channel, MethodDescriptor<String, String> method) {
        StatusRuntimeException failure =
                catchThrowableOfType(StatusRuntimeException.class, () -> call(channel, method, "x"));
        assertThat(failure)
                .as("the call to " + method.getFullMethodName() + " should fail")
                .isNotNull();
        return failure;
    }

    /** The grpc.health.v1 status this instance reports for {@code service} ("" for the server). */
    ServingStatus grpcHealth(String service) {
        return HealthGrpc.newBlockingStub(channel)
                .withDeadlineAfter(2, TimeUnit.SECONDS)
                .check(HealthCheckRequest.newBuilder().setService(service).build())
                .getStatus();
    }

    /** GET on this instance's HTTP side of the port. */
    HttpResponse<String> http(String path, String accept) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .header("Accept", accept)
                .build();
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The details of the kit's readiness check in a {@code /observe/health} answer, e.g.
     * {@code database=UP, redis=DOWN, shutdown=draining}.
     */
    static Map<String, String> dependencies(String healthJson) {
        try {
            Map<String, String> details = new HashMap<>();
            for (JsonNode check : JSON.readTree(healthJson).path("checks")) {
                if ("dependencies".equals(check.path("name").asText())) {
                    check.path("data")
                            .properties()
                            .forEach(entry ->
                                    details.put(entry.getKey(), entry.getValue().asText()));
                }
            }
            return details;
        } catch (IOException e) {
            throw new UncheckedIOException("not a health answer: " + healthJson, e);
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
        service.stop();
    }

    private static final class Shared {
        static final KitFixture INSTANCE = ShutdownHooks.closeAtExit(new KitFixture(Map.of(), true));
    }
}
