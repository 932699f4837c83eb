package social.nova.crypto;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

/**
 * The auth service's ES256 signing keys: one current key that signs, at most one next key that is
 * published ahead of signing, and rotated-out keys that only verify until every token they signed
 * has expired ({@link JwtSettings#keyRetention()}).
 * <pre>{@code
 * KeyRing ring = KeyRing.generate(settings, Clock.systemUTC());
 * ring.publishNext(now.plus(leadTime));  // published now, signs from then on; the old key then retires
 * String published = ring.jwksJson();    // serve at /.well-known/jwks.json
 * String persisted = ring.toPrivateJwksJson();  // secret: store encrypted, reload with fromJwks
 * }</pre>
 * Verifiers cache the published set, so a key must be published for at least as long as they may
 * cache it before the first token it signs reaches them: {@link #publishNext} gives the next key a
 * JWK {@code nbf} (its activation time) and it takes over signing at that instant, on every ring
 * restored from the same persisted set, without another write. The key it replaces gets the JWK
 * {@code exp} member {@code nbf + keyRetention()}, the longest a token it signed can be accepted.
 * Key ids are RFC 7638 thumbprints. The ring is thread-safe.
 */
public final class KeyRing {
    private final JwtSettings settings;
    private final Clock clock;
    private volatile State state;
    /** Guards changes of {@link #state}: private, so no caller holding the ring can block them. */
    private final Object stateLock = new Object();

    private KeyRing(JwtSettings settings, Clock clock, State state) {
        this.settings = settings;
        this.clock = clock;
        this.state = state;
    }

    /** A ring with one freshly generated key, signing at once. */
    public static KeyRing generate(JwtSettings settings, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(clock, "clock");
        return new KeyRing(settings, clock, new State(newKey(clock.instant(), null), null, List.of()));
    }

    /**
     * Restores a ring from {@link #toPrivateJwksJson()}: keys without {@code exp} are the current
     * one and, with a later {@code nbf}, the next one; keys with {@code exp} are rotated out and
     * dropped once it has passed.
     *
     * @throws IllegalArgumentException if the JSON is not a JWK set of private P-256 keys with
     *                                  key ids and one or two keys without exp
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
        List<ECKey> unexpiring = new ArrayList<>();
        List<ECKey> previous = new ArrayList<>();
        for (JWK jwk : set.getKeys()) {
            if (!(jwk instanceof ECKey ec)
                    || !Curve.P_256.equals(ec.getCurve())
                    || !ec.isPrivate()
                    || ec.getKeyID() == null) {
                throw new IllegalArgumentException("every key must be a private P-256 EC key with a kid, " + "found "
                        + jwk.getKeyType() + " kid=" + jwk.getKeyID());
            }
            (ec.getExpirationTime() == null ? unexpiring : previous).add(ec);
        }
        if (unexpiring.isEmpty()) {
            throw new IllegalArgumentException("no current key (a key without exp)");
        }
        if (unexpiring.size() > 2) {
            throw new IllegalArgumentException("more than two keys without exp (a current and a next one)");
        }
        unexpiring.sort(Comparator.comparing(KeyRing::activation));
        if (unexpiring.size() == 2 && !activation(unexpiring.get(1)).isAfter(activation(unexpiring.get(0)))) {
            throw new IllegalArgumentException("more than one current key (keys without exp and the same nbf)");
        }
        State state = new State(unexpiring.get(0), unexpiring.size() == 2 ? unexpiring.get(1) : null, previous);
        return new KeyRing(settings, clock, state.at(clock.instant(), settings.keyRetention()));
    }

    /**
     * Makes a new current key at once. The previous current key stops signing now and keeps
     * verifying for {@link JwtSettings#keyRetention()}; keys whose retention has passed are
     * dropped. Verifiers that cached the key set before now do not know the new key yet: with
     * several signers or cached sets, use {@link #publishNext} instead.
     */
    public void rotate() {
        synchronized (stateLock) {
            Instant now = clock.instant();
            State old = current(now);
            List<ECKey> previous = new ArrayList<>(old.previous());
            previous.add(0, retire(old.current(), now));
            state = new State(newKey(now, null), old.next(), previous);
        }
    }

    /**
     * Publishes a new key that starts signing at {@code activatesAt}; until then it only appears in
     * {@link #jwks()} (and verifies, for a signer whose clock runs ahead). At that instant the
     * current key stops signing and retires {@link JwtSettings#keyRetention()} later.
     *
     * @return false, changing nothing, when a next key is already waiting
     * @throws IllegalArgumentException if {@code activatesAt} is not in the future
     */
    public boolean publishNext(Instant activatesAt) {
        synchronized (stateLock) {
            Instant now = clock.instant();
            if (!activatesAt.isAfter(now)) {
                throw new IllegalArgumentException("the next key must activate in the future: " + activatesAt);
            }
            State old = current(now);
            if (old.next() != null) {
                return false;
            }
            state = new State(old.current(), newKey(now, activatesAt), old.previous());
            return true;
        }
    }

    /** The kid of the key that signs now. */
    public String currentKeyId() {
        return current(clock.instant()).current().getKeyID();
    }

    /** The kid of the published key waiting to sign, if any. */
    public Optional<String> nextKeyId() {
        return Optional.ofNullable(current(clock.instant()).next()).map(ECKey::getKeyID);
    }

    /**
     * The public keys that verify now: the current one first, then the next one (published ahead),
     * then rotated-out ones not yet retired.
     */
    public JWKSet jwks() {
        List<JWK> keys = new ArrayList<>();
        current(clock.instant()).all().forEach(key -> keys.add(key.toPublicJWK()));
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
        return new JWKSet(new ArrayList<JWK>(current(clock.instant()).all())).toString(false);
    }

    /** The public key with {@code keyId}, if it verifies now (current, next or not yet retired). */
    public Optional<ECKey> publicKey(String keyId) {
        return current(clock.instant()).all().stream()
                .filter(key -> key.getKeyID().equals(keyId))
                .findFirst()
                .map(ECKey::toPublicJWK);
    }

    /** The current private key, for {@link JwtSigner}. */
    ECKey signingKey() {
        return current(clock.instant()).current();
    }

    /** The state as of {@code now}: a due next key promoted, retired keys dropped. */
    private State current(Instant now) {
        State before = state;
        State after = before.at(now, settings.keyRetention());
        if (after != before) {
            synchronized (stateLock) {
                if (state == before) {
                    state = after;
                }
            }
        }
        return after;
    }

    private ECKey retire(ECKey key, Instant stoppedSigning) {
        return new ECKey.Builder(key)
                .expirationTime(Date.from(stoppedSigning.plus(settings.keyRetention())))
                .build();
    }

    /** When a key started or starts signing: its nbf, else (an older persisted key) the epoch. */
    private static Instant activation(ECKey key) {
        return key.getNotBeforeTime() == null
                ? Instant.EPOCH
                : key.getNotBeforeTime().toInstant();
    }

    private static ECKey newKey(Instant now, Instant activatesAt) {
        try {
            return new ECKeyGenerator(Curve.P_256)
                    .keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256)
                    .issueTime(Date.from(now))
                    .notBeforeTime(activatesAt == null ? null : Date.from(activatesAt))
                    .keyIDFromThumbprint(true)
                    .generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /**
     * @param current  signs
     * @param next     published, signs from its nbf on; or null
     * @param previous rotated out, each with its exp
     */
    private record State(ECKey current, ECKey next, List<ECKey> previous) {
        State {
            previous = List.copyOf(previous);
        }

        /** This state as of {@code now}; {@code this} when nothing changed. */
        State at(Instant now, Duration retention) {
            State promoted = this;
            if (next != null && !activation(next).isAfter(now)) {
                List<ECKey> rotatedOut = new ArrayList<>(previous);
                // Every signer switches at the next key's nbf, so the old key's last token is issued then.
                rotatedOut.add(
                        0,
                        new ECKey.Builder(current)
                                .expirationTime(Date.from(activation(next).plus(retention)))
                                .build());
                promoted = new State(next, null, rotatedOut);
            }
            List<ECKey> live = promoted.previous.stream()
                    .filter(key -> key.getExpirationTime().toInstant().isAfter(now))
                    .toList();
            return live.size() == promoted.previous.size()
                    ? promoted
                    : new State(promoted.current, promoted.next, live);
        }

        List<ECKey> all() {
            List<ECKey> keys = new ArrayList<>();
            keys.add(current);
            if (next != null) {
                keys.add(next);
            }
            keys.addAll(previous);
            return keys;
        }
    }
}
