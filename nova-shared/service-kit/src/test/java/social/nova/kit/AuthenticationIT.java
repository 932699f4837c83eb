package social.nova.kit;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import io.grpc.CallOptions;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.kit.KitFixture.call;
import static social.nova.kit.KitFixture.failure;
import static social.nova.kit.KitFixture.inspect;

/** Who is calling, as the kit establishes it from {@code authorization: Bearer} and the connection. */
class AuthenticationIT {
    private static final Metadata.Key<byte[]> STATUS_DETAILS =
            Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER);

    private final KitFixture service = KitFixture.shared();

    @Test
    void tokenThatDoesNotVerifyIsRefusedBeforeTheHandlerRuns() {
        int handlerRunsBefore = service.probe.invocations(ProbeService.INSPECT);

        StatusRuntimeException failure = failure(
                service.withHeaders("authorization", "Bearer x", "x-request-id", "req-7"), ProbeService.INSPECT);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        NovaException error = NovaException.from(failure);
        assertThat(error.getMessage()).isEqualTo("access token is invalid or expired");
        assertThat(error.requestId()).contains("req-7");
        assertThat(failure.getTrailers().getAll(STATUS_DETAILS))
                .as("one google.rpc.Status")
                .hasSize(1);
        assertThat(service.probe.invocations(ProbeService.INSPECT)).isEqualTo(handlerRunsBefore);
    }

    @Test
    void authorizationThatIsNotABearerTokenIsRefused() {
        int handlerRunsBefore = service.probe.invocations(ProbeService.INSPECT);

        StatusRuntimeException failure =
                failure(service.withHeaders("authorization", "Basic YWRhOnNlY3JldA=="), ProbeService.INSPECT);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(service.probe.invocations(ProbeService.INSPECT)).isEqualTo(handlerRunsBefore);
    }

    @Test
    void callWithoutTokenRunsAnonymously() {
        int handlerRunsBefore = service.probe.invocations(ProbeService.INSPECT);

        Map<String, String> seen = inspect(service.channel, CallOptions.DEFAULT);

        assertThat(service.probe.invocations(ProbeService.INSPECT)).isEqualTo(handlerRunsBefore + 1);
        assertThat(seen).containsEntry("caller", "");
    }

    @Test
    void handlerThatRequiresACallerRefusesAnonymousCalls() {
        StatusRuntimeException failure = failure(service.channel, ProbeService.WHO_AM_I);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(failure.getStatus().getDescription()).contains("needs an access token");
    }

    @Test
    void verifiedTokenGivesTheHandlerItsCaller() {
        assertThat(call(service.withHeaders("authorization", "Bearer valid-ada"), ProbeService.WHO_AM_I, ""))
                .isEqualTo("ada");
    }

    @Test
    void clientAddressIsTheConnectionsPeerUnlessTheGatewaySignedAForwardedOne() {
        assertThat(inspect(service.channel, CallOptions.DEFAULT)).containsEntry("clientAddress", "127.0.0.1");
        assertThat(inspect(service.withHeaders("x-forwarded-for", "203.0.113.7, 10.0.0.1"), CallOptions.DEFAULT))
                .as("anybody's x-forwarded-for is ignored")
                .containsEntry("clientAddress", "127.0.0.1");

        Metadata signed = new Metadata();
        service.kit.forwardedFor().sign(signed, "203.0.113.7");
        String signature = signed.get(ForwardedFor.SIGNATURE);
        assertThat(inspect(
                        service.withHeaders("x-forwarded-for", "203.0.113.7", "x-nova-forwarded-signature", signature),
                        CallOptions.DEFAULT))
                .as("signed by the gateway")
                .containsEntry("clientAddress", "203.0.113.7");
        assertThat(inspect(
                        service.withHeaders("x-forwarded-for", "203.0.113.8", "x-nova-forwarded-signature", signature),
                        CallOptions.DEFAULT))
                .as("a signature carries only its own address")
                .containsEntry("clientAddress", "127.0.0.1");

        Metadata signedElsewhere = new Metadata();
        ForwardedFor.create(new ForwardingSettings(
                        Optional.of("not-the-fleets-secret-0123456789abcdef"), Duration.ofSeconds(30)))
                .sign(signedElsewhere, "203.0.113.7");
        assertThat(inspect(
                        service.withHeaders(
                                "x-forwarded-for",
                                "203.0.113.7",
                                "x-nova-forwarded-signature",
                                signedElsewhere.get(ForwardedFor.SIGNATURE)),
                        CallOptions.DEFAULT))
                .as("signed with another secret")
                .containsEntry("clientAddress", "127.0.0.1");
    }
}
