package social.nova.crypto;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The auth service's ES256 signing keys: one current key that signs, and rotated-out keys that
 * only verify until every token they signed has expired ({@link JwtSettings#keyRetention()}).
 * <pre>{@code
 * KeyRing ring = KeyRing.generate(settings, Clock.systemUTC());
 * ring.rotate();                       // e.g. daily; old tokens keep verifying
 * String published = ring.jwksJson();  // serve at /.well-known/jwks.json
 * String persisted = ring.toPrivateJwksJson();  // secret: store encrypted, reload with fromJwks
 * }</pre>
 * Key ids are RFC 7638 thumbprints. A rotated-out key carries its retirement time as the JWK
 * {@code exp} member, so the published set and the persisted set both say when it goes. The
 * ring is thread-safe; {@link #rotate()} is atomic for readers.
 */
public final class KeyRing {
    private final JwtSettings settings;
    private final Clock clock;
    private volatile State state;

    private KeyRing(JwtSettings settings, Clock clock, State state) {
        this.settings = settings;
        this.clock = clock;
        this.state = state;
    }

    /** A ring with one freshly generated key. */
    public static KeyRing generate(JwtSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        return new KeyRing(settings, clock, new State(newKey(clock.instant()), List.of()));
    }

    /**
     * Restores a ring from {@link #toPrivateJwksJson()}: the key without {@code exp} is the current
     * one, keys with {@code exp} are rotated out and dropped once it has passed.
     *
     * @throws IllegalArgumentException if the JSON is not a JWK set of private P-256 keys with
     *                                  key ids and exactly one current key
     */
    public static KeyRing fromJwks(String privateJwksJson, JwtSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        JWKSet set;
        try {
            set = JWKSet.parse(privateJwksJson);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("not a JWK set: " + e.getMessage(), e);
        }
        ECKey current = null;
        List<ECKey> previous = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (!(jwk instanceof ECKey ec) || !Curve.P_256.equals(ec.getCurve()) || !ec.isPrivate()
                    || ec.getKeyID() == null) {
                throw new IllegalArgumentException("every key must be a private P-256 EC key with a kid, "
                        + "found " + jwk.getKeyType() + " kid=" + jwk.getKeyID());
            }
            if (ec.getExpirationTime() == null) {
                if (current != null) {
                    throw new IllegalArgumentException("more than one current key (keys without exp)");
                }
                current = ec;
            } else {
                previous.add(ec);
            }
        }
        if (current == null) {
            throw new IllegalArgumentException("no current key (a key without exp)");
        }
        return new KeyRing(settings, clock, new State(current, previous).withoutRetired(clock.instant()));
    }

    /**
     * Makes a new current key. The previous current key stops signing now and keeps verifying for
     * {@link JwtSettings#keyRetention()}; keys whose retention has passed are dropped.
     */
    public synchronized void rotate() {
        Instant now = clock.instant();
        State old = state.withoutRetired(now);
        ECKey retiring = new ECKey.Builder(old.current())
                .expirationTime(Date.from(now.plus(settings.keyRetention())))
                .build();
        List<ECKey> previous = new ArrayList<>(old.previous());
        previous.add(0, retiring);
        state = new State(newKey(now), previous);
    }

    /** The kid of the key that signs now. */
    public String currentKeyId() {
        return state.current().getKeyID();
    }

    /** The public keys that verify now: the current one first, then rotated-out ones not yet retired. */
    public JWKSet jwks() {
        State now = state.withoutRetired(clock.instant());
        List<JWK> keys = new ArrayList<>();
        keys.add(now.current().toPublicJWK());
        now.previous().forEach(key -> keys.add(key.toPublicJWK()));
        return new JWKSet(keys);
    }

    /** {@link #jwks()} as JSON, ready to publish. Contains no private key material. */
    public String jwksJson() {
        return jwks().toString(true);
    }

    /**
     * Every key including its private part, for persistence and {@link #fromJwks}. Treat the result
     * as a secret.
     */
    public String toPrivateJwksJson() {
        State now = state.withoutRetired(clock.instant());
        List<JWK> keys = new ArrayList<>();
        keys.add(now.current());
        keys.addAll(now.previous());
        return new JWKSet(keys).toString(false);
    }

    /** The public key with {@code keyId}, if it still verifies. */
    public Optional<ECKey> publicKey(String keyId) {
        State now = state.withoutRetired(clock.instant());
        if (now.current().getKeyID().equals(keyId)) {
            return Optional.of(now.current().toPublicJWK());
        }
        return now.previous().stream()
                .filter(key -> key.getKeyID().equals(keyId))
                .findFirst()
                .map(ECKey::toPublicJWK);
    }

    /** The current private key, for {@link JwtSigner}. */
    ECKey signingKey() {
        return state.current();
    }

    private static ECKey newKey(Instant now) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .issueTime(Date.from(now))
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    private record State(ECKey current, List<ECKey> previous) {
        State {
            previous = List.copyOf(previous);
        }

        State withoutRetired(Instant now) {
            List<ECKey> live = previous.stream()
                    .filter(key -> key.getExpirationTime().toInstant().isAfter(now))
                    .toList();
            return live.size() == previous.size() ? this : new State(current, live);
        }
    }
}
