package social.nova.crypto;

import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import org.junit.jupiter.api.Test;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Rotation with a lead time: a key is published for the lead time before any token is signed with
 * it, and the key it replaces stays published until the last token it signed has expired.
 */
class KeyRingRotationTest {
    private static final JwtSettings SETTINGS =
            new JwtSettings("https://auth.nova.social", "nova", Duration.ofMinutes(15), Duration.ofSeconds(30));
    /** What the auth service uses: reload interval (1 min) + JWKS max age (5 min) + clock skew. */
    private static final Duration LEAD = Duration.ofMinutes(6).plusSeconds(30);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final KeyRing ring = KeyRing.generate(SETTINGS, clock);
    private final JwtSigner signer = new JwtSigner(ring, SETTINGS, clock);
    private final JwtVerifier verifier = new JwtVerifier(ring, SETTINGS, clock);

    @Test
    void aNextKeyIsPublishedForTheWholeLeadTimeBeforeAnyTokenIsSignedWithIt() throws ParseException {
        String oldKid = ring.currentKeyId();
        Instant activation = clock.instant().plus(LEAD);

        assertThat(ring.publishNext(activation)).isTrue();
        String nextKid = ring.nextKeyId().orElseThrow();

        assertThat(ring.jwks().getKeys()).extracting(JWK::getKeyID).containsExactly(oldKid, nextKid);
        assertThat(kidOf(signer.issue("u", "s", Set.of()).token())).isEqualTo(oldKid);
        assertThat(ring.publishNext(activation.plusSeconds(60)))
                .as("one next key at a time")
                .isFalse();

        clock.advance(LEAD.minusSeconds(1));
        assertThat(kidOf(signer.issue("u", "s", Set.of()).token())).isEqualTo(oldKid);
        assertThat(ring.jwks().getKeys()).extracting(JWK::getKeyID).contains(nextKid);

        clock.advance(Duration.ofSeconds(1));
        String first = signer.issue("u", "s", Set.of()).token();
        assertThat(kidOf(first)).isEqualTo(nextKid);
        assertThat(ring.currentKeyId()).isEqualTo(nextKid);
        assertThat(ring.nextKeyId()).isEmpty();
        assertThat(verifier.verify(first).userId()).isEqualTo("u");
    }

    @Test
    void theReplacedKeyStaysPublishedUntilTheLastTokenItSignedHasExpired() throws ParseException {
        String oldKid = ring.currentKeyId();
        Instant activation = clock.instant().plus(LEAD);
        ring.publishNext(activation);
        clock.advance(LEAD.minusSeconds(1));
        String lastOfTheOldKey = signer.issue("u", "s", Set.of()).token();
        assertThat(kidOf(lastOfTheOldKey)).isEqualTo(oldKid);

        clock.advance(Duration.ofSeconds(1));
        assertThat(ring.jwks().getKeyByKeyId(oldKid).getExpirationTime())
                .isEqualTo(Date.from(activation.plus(SETTINGS.keyRetention())));

        clock.advance(SETTINGS.keyRetention().minusSeconds(2)); // its last token is still within exp + skew
        assertThat(verifier.verify(lastOfTheOldKey).userId()).isEqualTo("u");
        assertThat(ring.jwks().getKeys()).extracting(JWK::getKeyID).contains(oldKid);

        clock.advance(Duration.ofSeconds(2));
        assertThat(ring.jwks().getKeys()).extracting(JWK::getKeyID).doesNotContain(oldKid);
        assertThatThrownBy(() -> verifier.verify(lastOfTheOldKey)).isInstanceOf(UnknownKeyIdException.class);
    }

    @Test
    void everyRingRestoredFromThePersistedSetSwitchesAtTheSameInstantWithTheSameRetirement() {
        String oldKid = ring.currentKeyId();
        Instant activation = clock.instant().plus(LEAD);
        ring.publishNext(activation);
        String persisted = ring.toPrivateJwksJson();

        KeyRing otherInstance = KeyRing.fromJwks(persisted, SETTINGS, clock);
        assertThat(otherInstance.currentKeyId()).isEqualTo(oldKid);
        assertThat(otherInstance.nextKeyId()).isEqualTo(ring.nextKeyId());

        clock.advance(LEAD.plusMinutes(3)); // a third instance reads the set only after the switch
        KeyRing lateInstance = KeyRing.fromJwks(persisted, SETTINGS, clock);
        for (KeyRing instance : new KeyRing[] {ring, otherInstance, lateInstance}) {
            assertThat(instance.currentKeyId()).isEqualTo(ring.currentKeyId()).isNotEqualTo(oldKid);
            assertThat(instance.jwks().getKeyByKeyId(oldKid).getExpirationTime())
                    .isEqualTo(Date.from(activation.plus(SETTINGS.keyRetention())));
        }
        assertThat(KeyRing.fromJwks(lateInstance.toPrivateJwksJson(), SETTINGS, clock)
                        .jwksJson())
                .isEqualTo(ring.jwksJson());
    }

    @Test
    void theNextKeyMustActivateInTheFutureAndAPersistedSetHasAtMostTwoUnexpiredKeys() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ring.publishNext(clock.instant()))
                .withMessageContaining("future");
        String one = KeyRing.generate(SETTINGS, clock).toPrivateJwksJson();
        String two = KeyRing.generate(SETTINGS, clock).toPrivateJwksJson();
        String both = "{\"keys\":[" + keysOf(one) + "," + keysOf(two) + "]}";
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KeyRing.fromJwks(both, SETTINGS, clock))
                .withMessageContaining("more than one current key");
    }

    private static String keysOf(String jwks) {
        return jwks.substring(jwks.indexOf('[') + 1, jwks.lastIndexOf(']'));
    }

    private static String kidOf(String token) throws ParseException {
        return JWSObject.parse(token).getHeader().getKeyID();
    }
}
