package social.nova.gateway;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.grpc.Metadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracttesting.RecordedCall;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.ForwardedFor;
import social.nova.kit.ForwardingSettings;
import social.nova.kit.RunningService;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway forwards each client's address to the services signed with the forwarding secret
 * (issue 9, item 11), so that their per-client limits count clients, not the gateway: behind a load
 * balancer ({@code gateway.trust-forwarded-for}) the address the balancer gives, otherwise the
 * connection's peer, never an address a client writes itself. The signature is checked here with
 * the service kit's own {@link ForwardedFor}, as every service checks it; auth-service's limits on
 * signed and forged addresses are tested in auth-service ({@code ForwardedAddressIT}).
 */
class GatewayForwardingIT {
    private static final ForwardedFor SERVICES = ForwardedFor.create(
            new ForwardingSettings(Optional.of(TestServices.FORWARDING_SECRET), ForwardingSettings.DEFAULT_MAX_AGE));
    private static final GatewayFixture FIXTURE = GatewayFixture.shared();
    private static RunningService behindBalancer;
    private static GatewayClient balanced;

    @BeforeAll
    static void start() {
        behindBalancer = TestServices.gateway(
                FIXTURE.consul, Map.of("consul.register", "false", "gateway.trust-forwarded-for", "true"));
        balanced = new GatewayClient(TestServices.baseUri(FIXTURE.consul, behindBalancer));
    }

    @AfterAll
    static void stop() {
        behindBalancer.stop();
    }

    @Test
    void behindABalancerEachClientsAddressReachesTheServiceSigned() {
        assertThat(forwardedAddress(balanced, Map.of("X-Forwarded-For", "198.51.100.1")))
                .hasValue("198.51.100.1");
        assertThat(forwardedAddress(balanced, Map.of("X-Forwarded-For", "198.51.100.2")))
                .hasValue("198.51.100.2");
    }

    @Test
    void withoutABalancerTheConnectionsPeerIsForwardedWhateverTheClientWrites() {
        Optional<String> forwarded = forwardedAddress(FIXTURE.client, Map.of("X-Forwarded-For", "203.0.113.7"));
        assertThat(forwarded).isPresent().get().isNotEqualTo("203.0.113.7");
    }

    /** Signs in through the gateway with a wrong password; the address auth-service would take from the call. */
    private static Optional<String> forwardedAddress(GatewayClient client, Map<String, String> headers) {
        String email = "forwarded-" + UUID.randomUUID() + "@example.com";
        var auth = FIXTURE.auth.stub().stubs();
        auth.stub(AuthServiceGrpc.getLoginMethod())
                .whenField("email", email)
                .willFail(NovaException.builder(ErrorCode.UNAUTHENTICATED, "email or password is wrong")
                        .reason("INVALID_CREDENTIALS")
                        .build());

        assertThat(client.send(
                                "POST",
                                "/api/v1/auth/login",
                                Map.of("email", email, "password", "wrong password"),
                                null,
                                headers)
                        .status())
                .isEqualTo(401);

        RecordedCall<LoginRequest> call = auth.calls(AuthServiceGrpc.getLoginMethod()).stream()
                .filter(c -> c.request().getEmail().equals(email))
                .findFirst()
                .orElseThrow();
        Metadata metadata = new Metadata();
        call.metadata()
                .forEach((name, value) -> metadata.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value));
        assertThat(call.metadata()).containsKeys("x-forwarded-for", "x-nova-forwarded-signature");
        return SERVICES.verified(metadata);
    }
}
