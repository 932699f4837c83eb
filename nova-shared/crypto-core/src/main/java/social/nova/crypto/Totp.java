package social.nova.crypto;

import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.bouncycastle.util.encoders.Base32;

/**
 * Time-based one-time passwords (RFC 6238) as authenticator apps compute them:
 * <pre>{@code
 * Totp totp = new Totp(TotpSettings.create(config.get("totp")));
 * String secret = totp.generateSecret();                      // store encrypted with the user
 * String uri = totp.otpauthUri(secret, "ada@example.org");     // show as a QR code
 * OptionalLong step = totp.matchingStep(secret, code, Instant.now());
 * // accept if present and greater than the user's last accepted step, then store it (no replay)
 * }</pre>
 * Secrets are Base32 (RFC 4648) without padding; decoding accepts lower case, spaces and padding
 * as users type them. Thread-safe.
 */
public final class Totp {
    private static final Pattern BASE32 = Pattern.compile("[A-Z2-7]+");
    private static final int[] POWERS_OF_TEN = {1, 10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000};
    /** Base32 encodes 5 bytes in 8 characters. */
    private static final int BASE32_BLOCK = 8;

    private final TotpSettings settings;
    private final SecureRandom random;

    public Totp(TotpSettings settings) {
        this(settings, new SecureRandom());
    }

    public Totp(TotpSettings settings, SecureRandom random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
    }

    /** A new random secret of {@code secret-bytes} bytes, Base32 without padding. */
    public String generateSecret() {
        byte[] secret = new byte[settings.secretBytes()];
        random.nextBytes(secret);
        try {
            return Base32.toBase32String(secret).replace("=", "");
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }

    /**
     * The Key URI authenticator apps import (usually from a QR code):
     * {@code otpauth://totp/Issuer:account?secret=...&issuer=Issuer&algorithm=SHA1&digits=6&period=30}.
     */
    public String otpauthUri(String secret, String accountName) {
        decodeSecret(secret);
        if (accountName == null || accountName.isBlank() || accountName.contains(":")) {
            throw new IllegalArgumentException("accountName must be non-blank and without ':'");
        }
        String issuer = encode(settings.issuer());
        return "otpauth://totp/" + issuer + ":" + encode(accountName)
                + "?secret=" + normalise(secret)
                + "&issuer=" + issuer
                + "&algorithm=" + settings.algorithm().name()
                + "&digits=" + settings.digits()
                + "&period=" + settings.step().toSeconds();
    }

    /** The code for {@code secret} at {@code time}. */
    public String codeAt(String secret, Instant time) {
        byte[] key = decodeSecret(secret);
        try {
            return code(key, stepAt(time));
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Whether {@code code} is valid at {@code time} within the allowed drift. Prefer
     * {@link #matchingStep} where codes must not be accepted twice.
     */
    public boolean verify(String secret, String code, Instant time) {
        return matchingStep(secret, code, time).isPresent();
    }

    /**
     * The time step whose code matches, searched within the allowed drift around {@code time};
     * empty if none matches or the code is not {@code digits} digits. RFC 6238 section 5.2 forbids
     * accepting a code twice: the caller accepts only a step greater than the last one it accepted
     * for the user. Every candidate is computed and compared in constant time, so the answer time
     * does not reveal which step matched.
     *
     * @throws IllegalArgumentException if {@code secret} is not Base32
     */
    public OptionalLong matchingStep(String secret, String code, Instant time) {
        byte[] key = decodeSecret(secret);
        try {
            if (code == null
                    || code.length() != settings.digits()
                    || !code.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return OptionalLong.empty();
            }
            byte[] given = code.getBytes(StandardCharsets.US_ASCII);
            long now = stepAt(time);
            long matched = -1;
            boolean found = false;
            for (long step = now - settings.allowedDriftSteps(); step <= now + settings.allowedDriftSteps(); step++) {
                boolean equal = MessageDigest.isEqual(given, code(key, step).getBytes(StandardCharsets.US_ASCII));
                if (equal && !found) {
                    matched = step;
                    found = true;
                }
            }
            return found ? OptionalLong.of(matched) : OptionalLong.empty();
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /** The RFC 6238 time step T of {@code time} (T0 = Unix epoch). */
    public long stepAt(Instant time) {
        return Math.floorDiv(time.getEpochSecond(), settings.step().toSeconds());
    }

    public TotpSettings settings() {
        return settings;
    }

    /**
     * Decodes a Base32 secret as users and apps write it (any case, spaces, with or without padding).
     *
     * @throws IllegalArgumentException if it is not Base32
     */
    public static byte[] decodeSecret(String secret) {
        String normalised = normalise(secret);
        int tail = normalised.length() % BASE32_BLOCK;
        // Lengths 1, 3 and 6 (mod 8) cannot come from whole bytes.
        if (normalised.isEmpty() || !BASE32.matcher(normalised).matches() || tail == 1 || tail == 3 || tail == 6) {
            throw new IllegalArgumentException("secret is not Base32 (RFC 4648)");
        }
        String padded = tail == 0 ? normalised : normalised + "=".repeat(BASE32_BLOCK - tail);
        try {
            return Base32.decode(padded);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("secret is not Base32 (RFC 4648)", e);
        }
    }

    /** HOTP (RFC 4226 section 5.3) with the configured HMAC and length. */
    private String code(byte[] key, long step) {
        byte[] hmac;
        try {
            Mac mac = Mac.getInstance(settings.algorithm().macName());
            mac.init(new SecretKeySpec(key, "RAW"));
            hmac = mac.doFinal(ByteBuffer.allocate(Long.BYTES).putLong(step).array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(settings.algorithm().macName() + " is not available", e);
        }
        int offset = hmac[hmac.length - 1] & 0x0f;
        int binary = ((hmac[offset] & 0x7f) << 24)
                | ((hmac[offset + 1] & 0xff) << 16)
                | ((hmac[offset + 2] & 0xff) << 8)
                | (hmac[offset + 3] & 0xff);
        int otp = binary % POWERS_OF_TEN[settings.digits()];
        String digits = Integer.toString(otp);
        return "0".repeat(settings.digits() - digits.length()) + digits;
    }

    private static String normalise(String secret) {
        Objects.requireNonNull(secret, "secret");
        return secret.replace(" ", "").replace("=", "").toUpperCase(Locale.ROOT);
    }

    private static String encode(String text) {
        // otpauth labels use percent-encoding; URLEncoder's '+' for space is form encoding.
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
