package social.nova.crypto;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * Parameters of {@link Totp}. Authenticator apps widely support only the defaults (SHA1, 6
 * digits, 30 s); change them only for apps known to honour the otpauth URI parameters.
 * <p>
 * Config keys (under the node given to {@link #create(Config)}), with defaults:
 * <pre>
 * issuer: Nova                 # shown by the authenticator app next to the account
 * algorithm: SHA1              # SHA1, SHA256 or SHA512
 * digits: 6                    # 6 or 8
 * step: PT30S                  # time step X of RFC 6238
 * allowed-drift-steps: 1       # codes of this many steps before/after now are accepted too
 * secret-bytes: 20             # random bytes per secret (160 bits, as RFC 4226 recommends)
 * </pre>
 *
 * @param issuer            the otpauth issuer
 * @param algorithm         the HMAC
 * @param digits            code length, 6 or 8
 * @param step              time step, whole seconds, at least one
 * @param allowedDriftSteps steps of tolerated clock drift either way, 0 or more
 * @param secretBytes       length of generated secrets, at least 16 (RFC 4226's minimum of 128 bits)
 */
public record TotpSettings(
        String issuer, TotpAlgorithm algorithm, int digits, Duration step, int allowedDriftSteps, int secretBytes) {
    public static final String DEFAULT_ISSUER = "Nova";
    public static final TotpAlgorithm DEFAULT_ALGORITHM = TotpAlgorithm.SHA1;
    public static final int DEFAULT_DIGITS = 6;
    public static final Duration DEFAULT_STEP = Duration.ofSeconds(30);
    public static final int DEFAULT_ALLOWED_DRIFT_STEPS = 1;
    public static final int DEFAULT_SECRET_BYTES = 20;

    /** RFC 4226 section 4: the shared secret must be at least 128 bits. */
    static final int MIN_SECRET_BYTES = 16;

    public TotpSettings {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(algorithm, "algorithm");
        if (issuer.isBlank() || issuer.contains(":")) {
            throw new IllegalArgumentException(
                    "issuer must be non-blank and without ':' (the otpauth label separator)");
        }
        if (digits != 6 && digits != 8) {
            throw new IllegalArgumentException("digits must be 6 or 8: " + digits);
        }
        if (step.toSeconds() < 1 || step.toNanosPart() != 0) {
            throw new IllegalArgumentException("step must be a whole number of seconds, at least one: " + step);
        }
        if (allowedDriftSteps < 0) {
            throw new IllegalArgumentException("allowed-drift-steps must not be negative: " + allowedDriftSteps);
        }
        if (secretBytes < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(
                    "secret-bytes must be at least " + MIN_SECRET_BYTES + ": " + secretBytes);
        }
    }

    /** The defaults listed above. */
    public static TotpSettings defaults() {
        return new TotpSettings(
                DEFAULT_ISSUER,
                DEFAULT_ALGORITHM,
                DEFAULT_DIGITS,
                DEFAULT_STEP,
                DEFAULT_ALLOWED_DRIFT_STEPS,
                DEFAULT_SECRET_BYTES);
    }

    /** Reads the settings from {@code config}; missing keys take the defaults. */
    public static TotpSettings create(Config config) {
        return new TotpSettings(
                config.get("issuer").asString().orElse(DEFAULT_ISSUER),
                config.get("algorithm").asString().map(TotpSettings::algorithm).orElse(DEFAULT_ALGORITHM),
                config.get("digits").asInt().orElse(DEFAULT_DIGITS),
                config.get("step").as(Duration.class).orElse(DEFAULT_STEP),
                config.get("allowed-drift-steps").asInt().orElse(DEFAULT_ALLOWED_DRIFT_STEPS),
                config.get("secret-bytes").asInt().orElse(DEFAULT_SECRET_BYTES));
    }

    /** A copy with another algorithm and code length. */
    public TotpSettings with(TotpAlgorithm algorithm, int digits) {
        return new TotpSettings(issuer, algorithm, digits, step, allowedDriftSteps, secretBytes);
    }

    private static TotpAlgorithm algorithm(String name) {
        try {
            return TotpAlgorithm.valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("algorithm must be SHA1, SHA256 or SHA512: " + name);
        }
    }
}
