package social.nova.clients.auth;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.KeyRing;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Local verification against a key ring published the way auth-service publishes it (an
 * in-process gRPC server answering GetPublicKeys from a real crypto-core KeyRing).
 */
class AuthClientTest {
    private static final long MAX_AGE_SECONDS = 300;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final JwtSettings jwt = JwtSettings.defaults();
    private final KeyRing ring = KeyRing.generate(jwt, clock);
    private final AtomicInteger keyRequests = new AtomicInteger();
    private Server server;
    private ManagedChannel channel;
    private AuthClient client;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name).directExecutor().addService(new AuthServiceGrpc.AuthServiceImplBase() {
            @Override
            public void getPublicKeys(GetPublicKeysRequest request, StreamObserver<GetPublicKeysResponse> response) {
                keyRequests.incrementAndGet();
                response.onNext(GetPublicKeysResponse.newBuilder()
                        .setJwksJson(ring.jwksJson()).setMaxAgeSeconds(MAX_AGE_SECONDS).build());
                response.onCompleted();
            }
        }).build().start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        client = AuthClient.create(channel, AuthClientSettings.defaults(), clock);
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Test
    void verifiesLocallyWithOneFetchOfTheKeys() {
        JwtSigner.Issued issued = new JwtSigner(ring, jwt, clock).issue("user-1", "session-1", List.of());
        for (int i = 0; i < 50; i++) {
            VerifiedToken token = client.verify(issued.token());
            assertThat(token.userId()).isEqualTo("user-1");
            assertThat(token.sessionId()).isEqualTo("session-1");
        }
        assertThat(keyRequests).hasValue(1);
    }

    @Test
    void aRotatedKeyIsFetchedOnFirstSight() {
        client.verify(new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token());
        ring.rotate();
        String signedWithNewKey = new JwtSigner(ring, jwt, clock).issue("user-2", "s", List.of()).token();

        assertThat(client.verify(signedWithNewKey).userId()).isEqualTo("user-2");
        assertThat(keyRequests).hasValue(2);
    }

    @Test
    void forgedKeysAreRefusedWithoutAFetchStorm() {
        client.verify(new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token());
        KeyRing attacker = KeyRing.generate(jwt, clock);
        String forged = new JwtSigner(attacker, jwt, clock).issue("admin", "s", List.of()).token();

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> client.verify(forged))
                    .isInstanceOfSatisfying(NovaException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                        assertThat(e.reason()).contains("TOKEN_INVALID");
                    });
        }
        assertThat(keyRequests).hasValue(2);
    }

    @Test
    void expiredTokensAreRefusedAsExpired() {
        String token = new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        clock.advance(jwt.accessTokenTtl().plus(jwt.clockSkew()).plusSeconds(1));
        assertThatThrownBy(() -> client.verify(token))
                .isInstanceOfSatisfying(NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_EXPIRED"));
    }

    @Test
    void aTokenThatVerifiedIsTakenAgainWithoutItsSignatureBeingCheckedAgain() {
        String token = new JwtSigner(ring, jwt, clock).issue("user-1", "session-1", List.of()).token();

        VerifiedToken first = client.verify(token);
        VerifiedToken again = client.verify(token);

        assertThat(again).isEqualTo(first);
        assertThat(client.verificationsRemembered()).isEqualTo(1);
    }

    @Test
    void aRememberedTokenIsStillRefusedOnceItHasExpired() {
        String token = new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        client.verify(token);

        clock.advance(jwt.accessTokenTtl().plus(jwt.clockSkew()).plusSeconds(1));

        assertThatThrownBy(() -> client.verify(token))
                .isInstanceOfSatisfying(NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_EXPIRED"));
    }

    @Test
    void aForgedTokenIsNeverRemembered() {
        String token = new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.verify(forged))
                    .isInstanceOfSatisfying(NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_INVALID"));
        }
        assertThat(client.verificationsRemembered()).isZero();
    }

    @Test
    void keysAreFetchedAgainAfterTheirMaxAge() {
        JwtSigner signer = new JwtSigner(ring, jwt, clock);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        client.verify(signer.issue("user-1", "s", List.of()).token());
        assertThat(keyRequests).hasValue(2);
    }

    @Test
    void anUnreachableAuthServiceIsUnavailableNotInternal() {
        channel.shutdownNow();
        AuthClient offline = AuthClient.create(channel, AuthClientSettings.defaults(), clock);
        String token = new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        assertThatThrownBy(() -> offline.verify(token))
                .isInstanceOfSatisfying(io.grpc.StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(io.grpc.Status.Code.UNAVAILABLE));
    }

    /** A clock tests move forward. */
    private static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant start) {
            this.now = start;
        }

        void advance(Duration duration) {
            now = now.plus(duration);
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
