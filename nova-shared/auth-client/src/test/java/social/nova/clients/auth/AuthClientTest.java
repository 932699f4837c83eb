package social.nova.clients.auth;

import java.time.Duration;
import java.time.Instant;
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
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Local verification against a key ring published the way auth-service publishes it (an
 * in-process gRPC server answering GetPublicKeys from a real crypto-core KeyRing).
 */
class AuthClientTest {
    private static final long MAX_AGE_SECONDS = 300;
    private static final Duration DEFAULT_REFRESH_AHEAD = AuthClientSettings.DEFAULT_JWKS_REFRESH_AHEAD;
    private static final Duration DEFAULT_MAX_STALE = AuthClientSettings.DEFAULT_JWKS_MAX_STALE;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-26T12:00:00Z"));
    private final JwtSettings jwt = JwtSettings.defaults();
    private final KeyRing ring = KeyRing.generate(jwt, clock);
    private final AtomicInteger keyRequests = new AtomicInteger();
    /** When set, GetPublicKeys answers UNAVAILABLE (auth-service's key source is down). */
    private volatile boolean keysDown;

    private final HeldExecutor keyFetcher = new HeldExecutor();
    private Server server;
    private ManagedChannel channel;
    private AuthClient client;

    @BeforeEach
    void start() throws Exception {
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .directExecutor()
                .addService(new AuthServiceGrpc.AuthServiceImplBase() {
                    @Override
                    public void getPublicKeys(
                            GetPublicKeysRequest request, StreamObserver<GetPublicKeysResponse> response) {
                        keyRequests.incrementAndGet();
                        if (keysDown) {
                            response.onError(io.grpc.Status.UNAVAILABLE
                                    .withDescription("auth-service is down")
                                    .asRuntimeException());
                            return;
                        }
                        response.onNext(GetPublicKeysResponse.newBuilder()
                                .setJwksJson(ring.jwksJson())
                                .setMaxAgeSeconds(MAX_AGE_SECONDS)
                                .build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        client = AuthClient.create(channel, AuthClientSettings.defaults(), clock, keyFetcher);
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
        client.verify(
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token());
        ring.rotate();
        String signedWithNewKey =
                new JwtSigner(ring, jwt, clock).issue("user-2", "s", List.of()).token();

        assertThat(client.verify(signedWithNewKey).userId()).isEqualTo("user-2");
        assertThat(keyRequests).hasValue(2);
    }

    @Test
    void forgedKeysAreRefusedWithoutAFetchStorm() {
        client.verify(
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token());
        KeyRing attacker = KeyRing.generate(jwt, clock);
        String forged = new JwtSigner(attacker, jwt, clock)
                .issue("admin", "s", List.of())
                .token();

        for (int i = 0; i < 20; i++) {
            assertThatThrownBy(() -> client.verify(forged)).isInstanceOfSatisfying(NovaException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED);
                assertThat(e.reason()).contains("TOKEN_INVALID");
            });
        }
        assertThat(keyRequests).hasValue(2);
    }

    @Test
    void expiredTokensAreRefusedAsExpired() {
        String token =
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        clock.advance(jwt.accessTokenTtl().plus(jwt.clockSkew()).plusSeconds(1));
        assertThatThrownBy(() -> client.verify(token))
                .isInstanceOfSatisfying(
                        NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_EXPIRED"));
    }

    @Test
    void aTokenThatVerifiedIsTakenAgainWithoutItsSignatureBeingCheckedAgain() {
        String token = new JwtSigner(ring, jwt, clock)
                .issue("user-1", "session-1", List.of())
                .token();

        VerifiedToken first = client.verify(token);
        VerifiedToken again = client.verify(token);

        assertThat(again).isEqualTo(first);
        assertThat(client.verificationsRemembered()).isEqualTo(1);
    }

    @Test
    void aRememberedTokenIsStillRefusedOnceItHasExpired() {
        String token =
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        client.verify(token);

        clock.advance(jwt.accessTokenTtl().plus(jwt.clockSkew()).plusSeconds(1));

        assertThatThrownBy(() -> client.verify(token))
                .isInstanceOfSatisfying(
                        NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_EXPIRED"));
    }

    @Test
    void aForgedTokenIsNeverRemembered() {
        String token =
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();

        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> client.verify(forged))
                    .isInstanceOfSatisfying(
                            NovaException.class, e -> assertThat(e.reason()).contains("TOKEN_INVALID"));
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
        AuthClient offline = AuthClient.create(channel, AuthClientSettings.defaults(), clock, keyFetcher);
        String token =
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        assertThatThrownBy(() -> offline.verify(token))
                .isInstanceOfSatisfying(NovaException.class, this::keysUnavailable);
    }

    @Test
    void keysAreRefreshedInTheBackgroundBeforeTheirMaxAgeWhileRequestsGoOn() {
        JwtSigner signer = new JwtSigner(ring, jwt, clock);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        keyFetcher.hold();

        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS).minus(DEFAULT_REFRESH_AHEAD));
        assertThat(client.verify(signer.issue("user-1", "s", List.of()).token()).userId())
                .as("answered with the keys it has while the refresh waits to run")
                .isEqualTo("user-1");
        assertThat(client.verify(signer.issue("user-2", "s", List.of()).token()).userId())
                .isEqualTo("user-2");
        assertThat(keyRequests).as("no request fetched on its own path").hasValue(1);
        assertThat(keyFetcher.waiting())
                .as("one refresh started, however many requests")
                .isEqualTo(1);

        keyFetcher.release();
        assertThat(keyRequests).hasValue(2);
        clock.advance(
                Duration.ofSeconds(MAX_AGE_SECONDS).minus(DEFAULT_REFRESH_AHEAD).minusSeconds(1));
        client.verify(signer.issue("user-1", "s", List.of()).token());
        assertThat(keyFetcher.waiting())
                .as("the refreshed keys are fresh again")
                .isZero();
    }

    @Test
    void theLastKeysStayInUseWhileAuthServiceIsDownUpToMaxStaleThenTokensAreRefusedAsUnavailable() {
        JwtSigner signer = new JwtSigner(ring, jwt, clock);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        keysDown = true;

        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        assertThat(client.verify(signer.issue("user-1", "s", List.of()).token()).userId())
                .isEqualTo("user-1");
        clock.advance(DEFAULT_MAX_STALE.minusSeconds(2));
        assertThat(client.verify(signer.issue("user-1", "s", List.of()).token()).userId())
                .as("still within max age + jwks-max-stale")
                .isEqualTo("user-1");
        assertThat(keyRequests.get()).as("the failed refreshes were tried").isGreaterThan(1);

        clock.advance(Duration.ofSeconds(2));
        String afterMaxStale = signer.issue("user-1", "s", List.of()).token();
        assertThatThrownBy(() -> client.verify(afterMaxStale))
                .isInstanceOfSatisfying(NovaException.class, this::keysUnavailable);

        keysDown = false;
        assertThat(client.verify(afterMaxStale).userId())
                .as("back once auth-service answers")
                .isEqualTo("user-1");
    }

    @Test
    void failedBackgroundRefreshesAreSpacedByTheMinRefetchGap() {
        JwtSigner signer = new JwtSigner(ring, jwt, clock);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        keysDown = true;
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));

        for (int i = 0; i < 20; i++) {
            client.verify(signer.issue("user-" + i, "s", List.of()).token());
        }
        assertThat(keyRequests).as("one failed attempt for twenty requests").hasValue(2);

        clock.advance(AuthClientSettings.DEFAULT_MIN_REFETCH_GAP);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        assertThat(keyRequests).hasValue(3);
    }

    @Test
    void requestsWithoutKeysShareOneFetch() throws Exception {
        keyFetcher.hold();
        String token =
                new JwtSigner(ring, jwt, clock).issue("user-1", "s", List.of()).token();
        List<Thread> requests = new java.util.ArrayList<>();
        java.util.Queue<String> answers = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < 5; i++) {
            requests.add(Thread.ofVirtual()
                    .start(() -> answers.add(client.verify(token).userId())));
        }
        // Until each request waits for the keys or is done (a guard against hanging, not a timing).
        long giveUpAt = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (requests.stream().anyMatch(t -> t.getState() != Thread.State.WAITING && t.isAlive())
                && System.nanoTime() < giveUpAt) {
            Thread.onSpinWait();
        }
        assertThat(keyFetcher.waiting()).isEqualTo(1);

        keyFetcher.release();
        for (Thread request : requests) {
            request.join();
        }
        assertThat(answers).hasSize(5).containsOnly("user-1");
        assertThat(keyRequests).hasValue(1);
    }

    @Test
    void aRotatedKeyIsFetchedOnFirstSightEvenWhileOlderKeysAreServedStale() {
        JwtSigner signer = new JwtSigner(ring, jwt, clock);
        client.verify(signer.issue("user-1", "s", List.of()).token());
        keysDown = true;
        clock.advance(Duration.ofSeconds(MAX_AGE_SECONDS + 1));
        client.verify(signer.issue("user-1", "s", List.of()).token());
        keysDown = false;
        ring.rotate();

        assertThat(client.verify(new JwtSigner(ring, jwt, clock)
                                .issue("user-2", "s", List.of())
                                .token())
                        .userId())
                .isEqualTo("user-2");
    }

    private void keysUnavailable(NovaException e) {
        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e.reason()).contains("SIGNING_KEYS_UNAVAILABLE");
        assertThat(e.getMessage()).doesNotContain("auth-service");
    }

    /** Runs key fetches at once, or, after {@link #hold()}, when the test releases them. */
    private static final class HeldExecutor implements java.util.concurrent.Executor {
        private final java.util.Queue<Runnable> held = new java.util.concurrent.ConcurrentLinkedQueue<>();
        private volatile boolean holding;

        @Override
        public void execute(Runnable task) {
            if (holding) {
                held.add(task);
            } else {
                task.run();
            }
        }

        void hold() {
            holding = true;
        }

        int waiting() {
            return held.size();
        }

        void release() {
            holding = false;
            for (Runnable task; (task = held.poll()) != null; ) {
                task.run();
            }
        }
    }
}
