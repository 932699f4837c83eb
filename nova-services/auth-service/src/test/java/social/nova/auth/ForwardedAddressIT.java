package social.nova.auth;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.testing.RedisContainer;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-client login limit counts the client the gateway signed for, never an address a caller
 * writes itself (issue 9, item 11): a caller that reaches auth-service directly and rotates
 * {@code x-forwarded-for} is limited by its real address, while callers whose address the gateway
 * signed keep a budget each. An instance of its own, with a limit of {@value #LOGINS_PER_CLIENT}.
 */
class ForwardedAddressIT {
    private static final int LOGINS_PER_CLIENT = 3;
    private static final String WRONG_PASSWORD = "wrong password";
    private static final Metadata.Key<String> FORWARDED_FOR =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    private static RedisContainer redis;
    private static AuthFixture auth;

    @BeforeAll
    static void start() {
        // A Redis of its own: the budgets start afresh, whatever other tests spent from this machine's address.
        redis = SharedContainers.newRedis();
        redis.start();
        auth = AuthFixture.start(Map.of(
                "auth.limits.login-per-client.limit",
                String.valueOf(LOGINS_PER_CLIENT),
                "redis.host",
                redis.getHost(),
                "redis.port",
                String.valueOf(redis.getRedisPort())));
    }

    @AfterAll
    static void stop() throws InterruptedException {
        auth.close();
        redis.stop();
    }

    @Test
    void aCallerRotatingAnUnsignedForwardedAddressIsLimitedByItsRealAddress() {
        for (int i = 0; i < LOGINS_PER_CLIENT; i++) {
            assertThat(loginFailure(forging("203.0.113." + i)))
                    .as("attempt %s", i + 1)
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(loginFailure(forging("203.0.113.99")))
                .as("a new forged address is not a new client")
                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }

    @Test
    void callersWhoseAddressTheGatewaySignedKeepTheirOwnBudgets() {
        for (int i = 0; i < LOGINS_PER_CLIENT; i++) {
            assertThat(loginFailure(auth.clientFrom("198.51.100.1")))
                    .as("attempt %s", i + 1)
                    .isEqualTo(Status.Code.UNAUTHENTICATED);
        }
        assertThat(loginFailure(auth.clientFrom("198.51.100.1"))).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
        assertThat(loginFailure(auth.clientFrom("198.51.100.2")))
                .as("another client of the gateway")
                .isEqualTo(Status.Code.UNAUTHENTICATED);
    }

    private static AuthServiceGrpc.AuthServiceBlockingStub forging(String address) {
        Metadata forged = new Metadata();
        forged.put(FORWARDED_FOR, address);
        return AuthServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(auth.channel, MetadataUtils.newAttachHeadersInterceptor(forged)));
    }

    private static Status.Code loginFailure(AuthServiceGrpc.AuthServiceBlockingStub stub) {
        LoginRequest request = LoginRequest.newBuilder()
                .setEmail(AuthFixture.uniqueEmail())
                .setPassword(WRONG_PASSWORD)
                .build();
        try {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).login(request);
            throw new AssertionError("a login with a wrong password succeeded");
        } catch (StatusRuntimeException failure) {
            return failure.getStatus().getCode();
        }
    }
}
