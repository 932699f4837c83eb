package social.nova.gateway;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.kit.RunningService;
import social.nova.testing.RedisContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * auth-service's per-client login limit counts the client the gateway signed for, never an
 * address a caller writes itself (issue 9, item 11): a caller that reaches auth-service directly
 * and rotates {@code x-forwarded-for} is limited by its real address, while clients behind the
 * gateway keep a budget each. Runs on a Consul and a Redis of its own, so that the limit of
 * {@value #LOGINS_PER_CLIENT} per client starts afresh on every run.
 */
class GatewayForwardingIT {
    private static final int LOGINS_PER_CLIENT = 3;
    private static final String WRONG_PASSWORD = "wrong password";
    /** Each attempt names another account, so that only the per-client limit can answer 429. */
    private static final AtomicInteger ACCOUNTS = new AtomicInteger();

    private static ConsulContainer consul;
    private static RedisContainer redis;
    private static RunningService auth;
    private static RunningService gateway;
    private static GatewayClient client;

    @BeforeAll
    static void start() {
        consul = SharedContainers.newConsul();
        consul.start();
        redis = SharedContainers.newRedis();
        redis.start();
        Map<String, String> ownRedis = Map.of("redis.host", redis.getHost(), "redis.port", String.valueOf(redis.getRedisPort()));
        Map<String, String> authValues = new HashMap<>(ownRedis);
        authValues.put("auth.limits.login-per-client.limit", String.valueOf(LOGINS_PER_CLIENT));
        auth = TestServices.auth(consul, authValues);
        Map<String, String> gatewayValues = new HashMap<>(ownRedis);
        gatewayValues.put("gateway.trust-forwarded-for", "true"); // as behind a load balancer
        gateway = TestServices.gateway(consul, gatewayValues);
        client = new GatewayClient(TestServices.baseUri(consul, gateway));
        GatewayFixture.awaitRouting(client, "auth-service");
    }

    @AfterAll
    static void stop() {
        gateway.stop();
        auth.stop();
        redis.stop();
        consul.stop();
    }

    @Test
    void aCallerOutsideTheGatewayIsLimitedByItsRealAddressWhateverItForwards() throws InterruptedException {
        ManagedChannel direct = ManagedChannelBuilder.forAddress(SharedContainers.hostAddressSeenFrom(consul), auth.port())
                .usePlaintext().build();
        try {
            for (int i = 0; i < LOGINS_PER_CLIENT; i++) {
                assertThat(loginFailure(direct, "203.0.113." + i)).as("attempt %s", i + 1).isEqualTo(Status.Code.UNAUTHENTICATED);
            }
            assertThat(loginFailure(direct, "203.0.113.99"))
                    .as("a new forged address is not a new client").isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        } finally {
            direct.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void clientsBehindTheGatewayKeepTheirOwnLoginBudgets() {
        for (int i = 0; i < LOGINS_PER_CLIENT; i++) {
            assertThat(loginThroughGateway("198.51.100.1")).as("attempt %s", i + 1).isEqualTo(401);
        }
        assertThat(loginThroughGateway("198.51.100.1")).isEqualTo(429);
        assertThat(loginThroughGateway("198.51.100.2")).as("another client of the gateway").isEqualTo(401);
    }

    private static int loginThroughGateway(String clientAddress) {
        return client.send("POST", "/api/v1/auth/login", Map.of("email", anotherEmail(), "password", WRONG_PASSWORD), null,
                Map.of("X-Forwarded-For", clientAddress)).status();
    }

    private static String anotherEmail() {
        return "nobody-" + ACCOUNTS.incrementAndGet() + "@example.com";
    }

    private static Status.Code loginFailure(ManagedChannel channel, String forgedAddress) {
        Metadata forged = new Metadata();
        forged.put(Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), forgedAddress);
        var stub = AuthServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel,
                MetadataUtils.newAttachHeadersInterceptor(forged))).withDeadlineAfter(10, TimeUnit.SECONDS);
        LoginRequest request = LoginRequest.newBuilder().setEmail(anotherEmail()).setPassword(WRONG_PASSWORD).build();
        try {
            stub.login(request);
            throw new AssertionError("a login with a wrong password succeeded");
        } catch (StatusRuntimeException failure) {
            return failure.getStatus().getCode();
        }
    }
}
