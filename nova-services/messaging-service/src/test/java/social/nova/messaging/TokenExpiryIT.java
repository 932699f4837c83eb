package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;
import social.nova.kit.RunningService;
import social.nova.servicetesting.RegisteredStub;
import social.nova.testing.ConsulHealth;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stream ends UNAUTHENTICATED when the caller's access token expires while it is open. The
 * shared auth-service stub signs tokens that live 15 minutes, so this test has a Consul agent of its
 * own with an auth-service stub whose tokens live 3 seconds (same signer, other lifetime).
 */
class TokenExpiryIT {
    private static final Duration TOKEN_LIFETIME = Duration.ofSeconds(3);

    @Test
    void aStreamEndsUnauthenticatedWhenItsTokenExpires() throws Exception {
        try (ConsulContainer consul = SharedContainers.newConsul()) {
            consul.start();
            JwtSettings defaults = JwtSettings.defaults();
            JwtSettings shortLived =
                    new JwtSettings(defaults.issuer(), defaults.audience(), TOKEN_LIFETIME, defaults.clockSkew());
            KeyRing keys = KeyRing.generate(shortLived, Clock.systemUTC());
            try (RegisteredStub auth =
                    RegisteredStub.start("auth-service", AuthServiceGrpc.getServiceDescriptor(), null, consul)) {
                auth.stubs()
                        .stub(AuthServiceGrpc.getGetPublicKeysMethod())
                        .willReturn(GetPublicKeysResponse.newBuilder()
                                .setJwksJson(keys.jwksJson())
                                .setMaxAgeSeconds(300)
                                .build());
                ConsulHealth.awaitPassing(consul, Platform.STARTUP, "auth-service");
                RunningService messaging = Platform.startMessagingWith(consul);
                ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", messaging.port())
                        .usePlaintext()
                        .build();
                try {
                    String token = new JwtSigner(keys, shortLived, Clock.systemUTC())
                            .issue(
                                    UUID.randomUUID().toString(),
                                    UUID.randomUUID().toString(),
                                    List.of())
                            .token();
                    StreamRecorder stream = new StreamRecorder();
                    MessagingServiceGrpc.newStub(ClientInterceptors.intercept(channel, Platform.bearer(token)))
                            .streamMessages(StreamMessagesRequest.getDefaultInstance(), stream);

                    await().atMost(Duration.ofSeconds(30)).until(() -> stream.ended() != null);
                    assertThat(stream.ended().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
                    assertThat(stream.ended().getDescription()).contains("expired");
                } finally {
                    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                    messaging.stop();
                }
            }
        }
    }
}
