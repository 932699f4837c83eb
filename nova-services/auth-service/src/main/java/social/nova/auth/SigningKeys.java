package social.nova.auth;

import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.JWKSet;
import org.jdbi.v3.core.Jdbi;
import social.nova.crypto.JwtSettings;
import social.nova.crypto.JwtSigner;
import social.nova.crypto.JwtVerifier;
import social.nova.crypto.KeyRing;

/**
 * The signing key ring, shared by every auth-service instance through {@code auth.key_ring}.
 * On start and then every {@code reload-every} an instance re-reads the ring, rotating it first
 * when the current key is older than {@code rotate-every}; the row lock makes one instance do
 * each rotation. Rotated-out keys keep verifying until tokens they signed have expired.
 *
 * <p>The private keys are stored as a JWK set in the service's own schema, readable only by its
 * role. A KMS-wrapped key is the production step after this (see README).
 */
final class SigningKeys implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SigningKeys.class.getName());

    private final Jdbi jdbi;
    private final JwtSettings jwt;
    private final Duration rotateEvery;
    private final Clock clock;
    private final ScheduledExecutorService reloader;
    private volatile Keys keys;

    /** The ring as of the last load, with the signer and verifier built on it. */
    private record Keys(KeyRing ring, JwtSigner signer, JwtVerifier verifier) {
    }

    SigningKeys(Jdbi jdbi, JwtSettings jwt, Duration rotateEvery, Duration reloadEvery, Clock clock) {
        this.jdbi = jdbi;
        this.jwt = jwt;
        this.rotateEvery = rotateEvery;
        this.clock = clock;
        this.keys = load();
        this.reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("auth-key-reload").factory());
        reloader.scheduleWithFixedDelay(this::reload, reloadEvery.toMillis(), reloadEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    JwtSigner signer() {
        return keys.signer();
    }

    JwtVerifier verifier() {
        return keys.verifier();
    }

    JWKSet publicKeys() {
        return keys.ring().jwks();
    }

    @Override
    public void close() {
        reloader.shutdownNow();
    }

    private void reload() {
        try {
            keys = load();
        } catch (RuntimeException e) {
            // Keep signing with the ring we have; the next reload tries again.
            LOG.log(System.Logger.Level.WARNING, "Could not reload the signing key ring: " + e.getMessage(), e);
        }
    }

    private Keys load() {
        KeyRing ring = jdbi.inTransaction(handle -> {
            Instant now = clock.instant();
            Optional<StoredRing> stored = handle.createQuery(
                            "SELECT private_jwks, rotated_at FROM key_ring WHERE id = 1 FOR UPDATE")
                    .map((rs, ctx) -> new StoredRing(rs.getString(1), rs.getTimestamp(2).toInstant()))
                    .findOne();
            if (stored.isEmpty()) {
                KeyRing fresh = KeyRing.generate(jwt, clock);
                int inserted = handle.createUpdate("INSERT INTO key_ring (id, private_jwks, rotated_at) "
                                                           + "VALUES (1, :jwks, :now) ON CONFLICT (id) DO NOTHING")
                        .bind("jwks", fresh.toPrivateJwksJson()).bind("now", Timestamp.from(now)).execute();
                if (inserted == 1) {
                    return fresh;
                }
                // Another instance created the ring first: use that one, so all instances share keys.
                return KeyRing.fromJwks(handle.createQuery("SELECT private_jwks FROM key_ring WHERE id = 1")
                        .mapTo(String.class).one(), jwt, clock);
            }
            KeyRing existing = KeyRing.fromJwks(stored.get().privateJwks(), jwt, clock);
            if (stored.get().rotatedAt().plus(rotateEvery).isAfter(now)) {
                return existing;
            }
            existing.rotate();
            handle.createUpdate("UPDATE key_ring SET private_jwks = :jwks, rotated_at = :now WHERE id = 1")
                    .bind("jwks", existing.toPrivateJwksJson()).bind("now", Timestamp.from(now)).execute();
            LOG.log(System.Logger.Level.INFO, "Rotated the signing key; new kid {0}", existing.currentKeyId());
            return existing;
        });
        return new Keys(ring, new JwtSigner(ring, jwt, clock), new JwtVerifier(ring, jwt, clock));
    }

    private record StoredRing(String privateJwks, Instant rotatedAt) {
    }
}
