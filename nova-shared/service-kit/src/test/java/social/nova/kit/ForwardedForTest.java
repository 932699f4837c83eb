package social.nova.kit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import io.grpc.Metadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The gateway's signature over a forwarded client address, checked the way every service checks it. */
class ForwardedForTest {
    private static final String SECRET = "the-fleets-forwarding-secret-0123456789";
    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");
    private static final ForwardingSettings SETTINGS =
            new ForwardingSettings(Optional.of(SECRET), Duration.ofSeconds(30));

    private final ForwardedFor service = ForwardedFor.create(SETTINGS, Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void anAddressTheGatewaySignedIsTaken() {
        assertThat(service.verified(signedAt(NOW, "203.0.113.7"))).contains("203.0.113.7");
        assertThat(service.verified(signedAt(NOW, "2001:db8::1"))).contains("2001:db8::1");
    }

    @Test
    void anUnsignedOrForgedAddressIsNot() {
        Metadata unsigned = new Metadata();
        unsigned.put(ForwardedFor.ADDRESS, "203.0.113.7");
        assertThat(service.verified(unsigned)).isEmpty();

        Metadata otherAddress = signedAt(NOW, "203.0.113.7");
        otherAddress.removeAll(ForwardedFor.ADDRESS);
        otherAddress.put(ForwardedFor.ADDRESS, "203.0.113.8");
        assertThat(service.verified(otherAddress))
                .as("a signature carries only its own address")
                .isEmpty();

        for (String garbage : new String[] {"", ".", "abc.def", "1.", "x.AAAA", "1764590400.%%%"}) {
            Metadata forged = new Metadata();
            forged.put(ForwardedFor.ADDRESS, "203.0.113.7");
            forged.put(ForwardedFor.SIGNATURE, garbage);
            assertThat(service.verified(forged)).as(garbage).isEmpty();
        }

        Metadata otherSecret = new Metadata();
        ForwardedFor.create(
                        new ForwardingSettings(
                                Optional.of("somebody-elses-secret-0123456789abcdef"), Duration.ofSeconds(30)),
                        Clock.fixed(NOW, ZoneOffset.UTC))
                .sign(otherSecret, "203.0.113.7");
        assertThat(service.verified(otherSecret)).isEmpty();
    }

    @Test
    void aSignatureIsTakenOnlyWithinMaxAgeOfTheReceiversClock() {
        assertThat(service.verified(signedAt(NOW.minusSeconds(30), "203.0.113.7")))
                .isPresent();
        assertThat(service.verified(signedAt(NOW.plusSeconds(30), "203.0.113.7")))
                .as("clock skew")
                .isPresent();
        assertThat(service.verified(signedAt(NOW.minusSeconds(31), "203.0.113.7")))
                .as("replayed later")
                .isEmpty();
        assertThat(service.verified(signedAt(NOW.plusSeconds(31), "203.0.113.7")))
                .isEmpty();
    }

    @Test
    void withoutASecretNothingForwardedIsTakenAndNothingCanBeSigned() {
        ForwardedFor unconfigured =
                ForwardedFor.create(new ForwardingSettings(Optional.empty(), Duration.ofSeconds(30)));
        assertThat(unconfigured.canSign()).isFalse();
        assertThat(unconfigured.verified(signedAt(NOW, "203.0.113.7"))).isEmpty();
        assertThatThrownBy(() -> unconfigured.sign(new Metadata(), "203.0.113.7"))
                .hasMessageContaining("forwarding.secret");
    }

    @Test
    void settingsRefuseAShortSecretNamingTheKey() {
        assertThatThrownBy(() -> new ForwardingSettings(Optional.of("short"), Duration.ofSeconds(30)))
                .hasMessageContaining("forwarding.secret")
                .hasMessageContaining("32");
        assertThatThrownBy(() -> new ForwardingSettings(Optional.of(SECRET), Duration.ZERO))
                .hasMessageContaining("forwarding.max-age");
    }

    private static Metadata signedAt(Instant when, String address) {
        Metadata headers = new Metadata();
        ForwardedFor.create(SETTINGS, Clock.fixed(when, ZoneOffset.UTC)).sign(headers, address);
        return headers;
    }
}
