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
 * On start and then every {@code reload-every} an instance re-reads the ring. Every
 * {@code rotate-every} one instance (the row lock picks it) publishes a next key that starts
 * signing {@link #publishAhead} later: by then every instance has re-read the ring (one
 * {@code reload-every}) and every verifier's cached JWKS has expired ({@code jwks-max-age}), with
 * the clock skew on top, so no verifier meets a token whose key it has not seen. All instances
 * switch at that instant by their own clocks; the replaced key stays published for the access-token
 * lifetime plus clock skew after it, the longest a token it signed can still be accepted.
 *
 * <p>The private keys are stored as a JWK set in the service's own schema, readable only by its
 * role. A KMS-wrapped key is the production step after this (see README).
 */
final class SigningKeys implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SigningKeys.class.getName());

    private final Jdbi jdbi;
    private final JwtSettings jwt;
    private final Duration rotateEvery;
    private final Duration publishAhead;
    private final Clock clock;
    private final ScheduledExecutorService reloader;
    private volatile Keys keys;

    /** The ring as of the last load, with the signer and verifier built on it. */
    private record Keys(KeyRing ring, JwtSigner signer, JwtVerifier verifier) {}

    SigningKeys(
            Jdbi jdbi, JwtSettings jwt, Duration rotateEvery, Duration reloadEvery, Duration jwksMaxAge, Clock clock) {
        this.jdbi = jdbi;
        this.jwt = jwt;
        this.rotateEvery = rotateEvery;
        this.publishAhead = publishAhead(reloadEvery, jwksMaxAge, jwt);
        if (rotateEvery.compareTo(publishAhead) <= 0) {
            throw new IllegalArgumentException("auth.keys.rotate-every (" + rotateEvery + ") must be longer than "
                    + "reload-every + jwks-max-age + jwt.clock-skew (" + publishAhead + ")");
        }
        this.clock = clock;
        this.keys = load();
        this.reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("auth-key-reload").factory());
        reloader.scheduleWithFixedDelay(
                this::reload, reloadEvery.toMillis(), reloadEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * How long a next key is published before it signs: one reload of every instance, one JWKS
     * cache lifetime of every verifier, and the clock skew between them.
     */
    static Duration publishAhead(Duration reloadEvery, Duration jwksMaxAge, JwtSettings jwt) {
        return reloadEvery.plus(jwksMaxAge).plus(jwt.clockSkew());
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
                    .map((rs, ctx) ->
                            new StoredRing(rs.getString(1), rs.getTimestamp(2).toInstant()))
                    .findOne();
            if (stored.isEmpty()) {
                KeyRing fresh = KeyRing.generate(jwt, clock);
                int inserted = handle.createUpdate("INSERT INTO key_ring (id, private_jwks, rotated_at) "
                                + "VALUES (1, :jwks, :now) ON CONFLICT (id) DO NOTHING")
                        .bind("jwks", fresh.toPrivateJwksJson())
                        .bind("now", Timestamp.from(now))
                        .execute();
                if (inserted == 1) {
                    return fresh;
                }
                // Another instance created the ring first: use that one, so all instances share keys.
                return KeyRing.fromJwks(
                        handle.createQuery("SELECT private_jwks FROM key_ring WHERE id = 1")
                                .mapTo(String.class)
                                .one(),
                        jwt,
                        clock);
            }
            KeyRing existing = KeyRing.fromJwks(stored.get().privateJwks(), jwt, clock);
            if (stored.get().rotatedAt().plus(rotateEvery).isAfter(now)) {
                return existing;
            }
            Instant activatesAt = now.plus(publishAhead);
            if (existing.publishNext(activatesAt)) {
                handle.createUpdate("UPDATE key_ring SET private_jwks = :jwks, rotated_at = :now WHERE id = 1")
                        .bind("jwks", existing.toPrivateJwksJson())
                        .bind("now", Timestamp.from(now))
                        .execute();
                LOG.log(
                        System.Logger.Level.INFO,
                        "Published the next signing key {0}; it signs from {1}",
                        existing.nextKeyId().orElseThrow(),
                        activatesAt);
            }
            return existing;
        });
        return new Keys(ring, new JwtSigner(ring, jwt, clock), new JwtVerifier(ring, jwt, clock));
    }

    private record StoredRing(String privateJwks, Instant rotatedAt) {}
}
