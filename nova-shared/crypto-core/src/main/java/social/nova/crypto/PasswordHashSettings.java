package social.nova.crypto;

import io.helidon.config.Config;

/**
 * Argon2id cost parameters for {@link PasswordHasher}. Defaults follow the OWASP Password Storage
 * Cheat Sheet (m=19 MiB, t=2, p=1), with a 16-byte salt and a 32-byte hash as RFC 9106 recommends.
 * <p>
 * Config keys (under the node given to {@link #create(Config)}), with defaults:
 * <pre>
 * memory-kib: 19456          # Argon2 memory cost in KiB
 * iterations: 2              # Argon2 time cost (passes over memory)
 * parallelism: 1             # lanes
 * salt-length: 16            # bytes of random salt per hash
 * hash-length: 32            # bytes of output
 * max-verify-memory-kib: 262144  # stored hashes asking for more memory are refused, not computed
 * max-verify-iterations: 10      # stored hashes asking for more passes are refused, not computed
 * </pre>
 *
 * @param memoryKib          Argon2 memory cost in KiB, at least {@code 8 * parallelism}
 * @param iterations         Argon2 time cost, at least 1
 * @param parallelism        number of lanes, at least 1
 * @param saltLength         salt bytes, at least 8
 * @param hashLength         output bytes, at least 4
 * @param maxVerifyMemoryKib the largest memory cost a stored hash may ask {@code verify} for, so a
 *                           corrupted or planted hash cannot exhaust the heap
 * @param maxVerifyIterations the largest time cost a stored hash may ask {@code verify} for, so a
 *                           corrupted or planted hash cannot hold a core (and a hashing slot) for
 *                           minutes; at least {@code iterations}
 */
public record PasswordHashSettings(
        int memoryKib,
        int iterations,
        int parallelism,
        int saltLength,
        int hashLength,
        int maxVerifyMemoryKib,
        int maxVerifyIterations) {
    public static final int DEFAULT_MEMORY_KIB = 19_456;
    public static final int DEFAULT_ITERATIONS = 2;
    public static final int DEFAULT_PARALLELISM = 1;
    public static final int DEFAULT_SALT_LENGTH = 16;
    public static final int DEFAULT_HASH_LENGTH = 32;
    public static final int DEFAULT_MAX_VERIFY_MEMORY_KIB = 262_144;
    public static final int DEFAULT_MAX_VERIFY_ITERATIONS = 10;

    /** Argon2 needs at least 8 KiB of memory per lane. */
    static final int MIN_MEMORY_KIB_PER_LANE = 8;
    /** RFC 9106 allows salts from 8 bytes; 16 is its recommendation. */
    static final int MIN_SALT_LENGTH = 8;
    /** RFC 9106's smallest tag length. */
    static final int MIN_HASH_LENGTH = 4;

    public PasswordHashSettings {
        require(iterations >= 1, "iterations must be at least 1");
        require(parallelism >= 1, "parallelism must be at least 1");
        require(
                memoryKib >= MIN_MEMORY_KIB_PER_LANE * parallelism,
                "memory-kib must be at least " + MIN_MEMORY_KIB_PER_LANE + " * parallelism");
        require(saltLength >= MIN_SALT_LENGTH, "salt-length must be at least " + MIN_SALT_LENGTH);
        require(hashLength >= MIN_HASH_LENGTH, "hash-length must be at least " + MIN_HASH_LENGTH);
        require(maxVerifyMemoryKib >= memoryKib, "max-verify-memory-kib must be at least memory-kib");
        require(maxVerifyIterations >= iterations, "max-verify-iterations must be at least iterations");
    }

    /**
     * Settings whose {@code max-verify-iterations} is the larger of {@value #DEFAULT_MAX_VERIFY_ITERATIONS}
     * and {@code iterations} (the signature before that bound existed).
     */
    public PasswordHashSettings(
            int memoryKib, int iterations, int parallelism, int saltLength, int hashLength, int maxVerifyMemoryKib) {
        this(
                memoryKib,
                iterations,
                parallelism,
                saltLength,
                hashLength,
                maxVerifyMemoryKib,
                Math.max(DEFAULT_MAX_VERIFY_ITERATIONS, iterations));
    }

    /** The OWASP-recommended defaults. */
    public static PasswordHashSettings defaults() {
        return new PasswordHashSettings(
                DEFAULT_MEMORY_KIB,
                DEFAULT_ITERATIONS,
                DEFAULT_PARALLELISM,
                DEFAULT_SALT_LENGTH,
                DEFAULT_HASH_LENGTH,
                DEFAULT_MAX_VERIFY_MEMORY_KIB,
                DEFAULT_MAX_VERIFY_ITERATIONS);
    }

    /** Reads the settings from {@code config}; missing keys take the defaults. */
    public static PasswordHashSettings create(Config config) {
        return new PasswordHashSettings(
                config.get("memory-kib").asInt().orElse(DEFAULT_MEMORY_KIB),
                config.get("iterations").asInt().orElse(DEFAULT_ITERATIONS),
                config.get("parallelism").asInt().orElse(DEFAULT_PARALLELISM),
                config.get("salt-length").asInt().orElse(DEFAULT_SALT_LENGTH),
                config.get("hash-length").asInt().orElse(DEFAULT_HASH_LENGTH),
                config.get("max-verify-memory-kib").asInt().orElse(DEFAULT_MAX_VERIFY_MEMORY_KIB),
                config.get("max-verify-iterations").asInt().orElse(DEFAULT_MAX_VERIFY_ITERATIONS));
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new IllegalArgumentException(message);
        }
    }
}
