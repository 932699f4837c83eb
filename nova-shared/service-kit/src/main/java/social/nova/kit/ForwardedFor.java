package social.nova.kit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;

/**
 * The client address the API gateway forwards to services, signed so that only the gateway can
 * set it. A service limits logins, registrations and the like per client address; were it to take
 * {@code x-forwarded-for} from anyone, any caller on the network could rotate the header and escape
 * those limits (issue 9, item 11).
 *
 * <p>The gateway sends {@code x-forwarded-for: <address>} and
 * {@code x-nova-forwarded-signature: <unix seconds>.<base64url HMAC-SHA256(secret, address "\n" seconds)>},
 * keyed with {@code forwarding.secret}, which only the gateway and the services hold. A service
 * takes the forwarded address only when the signature checks out and its time is within
 * {@code forwarding.max-age} of its own clock; otherwise (no secret configured, no or a wrong
 * signature, too old) the client address is the connection's peer.
 */
public final class ForwardedFor {
    public static final Metadata.Key<String> ADDRESS =
            Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER);
    public static final Metadata.Key<String> SIGNATURE =
            Metadata.Key.of("x-nova-forwarded-signature", Metadata.ASCII_STRING_MARSHALLER);
    private static final String HMAC_SHA256 = "HmacSHA256";
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_DECODER = Base64.getUrlDecoder();

    private final Optional<SecretKeySpec> key;
    private final Duration maxAge;
    private final Clock clock;

    private ForwardedFor(ForwardingSettings settings, Clock clock) {
        this.key = settings.secret()
                .map(secret -> new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC_SHA256));
        this.maxAge = settings.maxAge();
        this.clock = clock;
    }

    /** Signing and checking with {@code settings} on the system clock. */
    public static ForwardedFor create(ForwardingSettings settings) {
        return new ForwardedFor(settings, Clock.systemUTC());
    }

    static ForwardedFor create(ForwardingSettings settings, Clock clock) {
        return new ForwardedFor(settings, clock);
    }

    /** Whether {@code forwarding.secret} is set (the gateway needs it to forward addresses). */
    public boolean canSign() {
        return key.isPresent();
    }

    /**
     * Puts {@code address} and its signature into {@code headers}, replacing what was there.
     *
     * @throws IllegalStateException without {@code forwarding.secret}
     */
    public void sign(Metadata headers, String address) {
        long seconds = clock.instant().getEpochSecond();
        String signature = seconds + "."
                + BASE64.encodeToString(mac(address, seconds)
                        .orElseThrow(() -> new IllegalStateException(ForwardingSettings.MISSING_SECRET)));
        headers.removeAll(ADDRESS);
        headers.removeAll(SIGNATURE);
        headers.put(ADDRESS, address);
        headers.put(SIGNATURE, signature);
    }

    /**
     * Signs the address {@code clientAddress} yields (none when it yields null) into every call
     * made through it, at the call's start.
     *
     * @throws IllegalStateException without {@code forwarding.secret}
     */
    public ClientInterceptor signing(Supplier<String> clientAddress) {
        if (!canSign()) {
            throw new IllegalStateException(ForwardingSettings.MISSING_SECRET);
        }
        return new ClientInterceptor() {
            @Override
            public <Q, R> ClientCall<Q, R> interceptCall(
                    MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
                return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                    @Override
                    public void start(Listener<R> listener, Metadata headers) {
                        String address = clientAddress.get();
                        if (address != null) {
                            sign(headers, address);
                        }
                        super.start(listener, headers);
                    }
                };
            }
        };
    }

    /** The forwarded address when the gateway signed it within {@code max-age}; empty otherwise. */
    public Optional<String> verified(Metadata headers) {
        String address = headers.get(ADDRESS);
        String signature = headers.get(SIGNATURE);
        if (key.isEmpty() || address == null || signature == null) {
            return Optional.empty();
        }
        int dot = signature.indexOf('.');
        if (dot < 1) {
            return Optional.empty();
        }
        long seconds;
        byte[] claimed;
        try {
            seconds = Long.parseLong(signature.substring(0, dot));
            claimed = BASE64_DECODER.decode(signature.substring(dot + 1));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
        Duration age = Duration.between(Instant.ofEpochSecond(seconds), clock.instant())
                .abs();
        if (age.compareTo(maxAge) > 0) {
            return Optional.empty();
        }
        boolean genuine = mac(address, seconds)
                .map(expected -> MessageDigest.isEqual(expected, claimed))
                .orElse(false);
        return genuine ? Optional.of(address) : Optional.empty();
    }

    private Optional<byte[]> mac(String address, long seconds) {
        return key.map(secret -> {
            try {
                Mac mac = Mac.getInstance(HMAC_SHA256);
                mac.init(secret);
                return mac.doFinal((address + "\n" + seconds).getBytes(StandardCharsets.UTF_8));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HMAC-SHA256 is not available", e);
            }
        });
    }
}
