package social.nova.crypto;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Hashes and verifies passwords with Argon2id (Bouncy Castle), stored as portable PHC strings:
 * <pre>{@code
 * PasswordHasher hasher = new PasswordHasher(PasswordHashSettings.create(config.get("password-hash")));
 * String stored = hasher.hash(password);                 // $argon2id$v=19$m=19456,t=2,p=1$...$...
 * if (hasher.verify(attempt, stored) && hasher.needsRehash(stored)) { store(hasher.hash(attempt)); }
 * }</pre>
 * Passwords are hashed as their UTF-8 bytes; the byte copies are wiped after use. Instances are
 * thread-safe. At most {@link HashingConcurrency#maxConcurrent()} hashes are computed at once; a
 * caller that cannot get a turn within {@link HashingConcurrency#maxWait()} gets
 * {@link PasswordHasherBusyException}.
 */
public final class PasswordHasher {
    private final PasswordHashSettings settings;
    private final SecureRandom random;
    private final HashingConcurrency concurrency;
    /** Package-private so a test can hold every slot. */
    final Semaphore slots;

    public PasswordHasher(PasswordHashSettings settings) {
        this(settings, HashingConcurrency.defaults());
    }

    public PasswordHasher(PasswordHashSettings settings, HashingConcurrency concurrency) {
        this(settings, concurrency, new SecureRandom());
    }

    /** With a given random source for salts, e.g. a seeded one in tests. */
    public PasswordHasher(PasswordHashSettings settings, SecureRandom random) {
        this(settings, HashingConcurrency.defaults(), random);
    }

    public PasswordHasher(PasswordHashSettings settings, HashingConcurrency concurrency, SecureRandom random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.concurrency = Objects.requireNonNull(concurrency, "concurrency");
        this.random = Objects.requireNonNull(random, "random");
        this.slots = new Semaphore(concurrency.maxConcurrent(), true);
    }

    /** A new hash of {@code password} with a fresh random salt and the current settings. */
    public String hash(char[] password) {
        Objects.requireNonNull(password, "password");
        byte[] salt = new byte[settings.saltLength()];
        random.nextBytes(salt);
        byte[] hash = argon2id(
                password,
                salt,
                settings.memoryKib(),
                settings.iterations(),
                settings.parallelism(),
                settings.hashLength());
        return new Argon2idHash(settings.memoryKib(), settings.iterations(), settings.parallelism(), salt, hash)
                .encoded();
    }

    /**
     * Whether {@code password} matches the stored hash, compared in constant time. A malformed
     * stored hash, or one asking for more memory than {@code max-verify-memory-kib} or more
     * passes than {@code max-verify-iterations}, gives false without being computed.
     */
    public boolean verify(char[] password, String encoded) {
        Objects.requireNonNull(password, "password");
        Argon2idHash stored;
        try {
            stored = Argon2idHash.parse(encoded);
        } catch (IllegalArgumentException malformed) {
            return false;
        }
        if (stored.memoryKib() > settings.maxVerifyMemoryKib()
                || stored.iterations() > settings.maxVerifyIterations()) {
            return false;
        }
        byte[] expected = stored.hash();
        byte[] actual = argon2id(
                password,
                stored.salt(),
                stored.memoryKib(),
                stored.iterations(),
                stored.parallelism(),
                expected.length);
        return MessageDigest.isEqual(expected, actual);
    }

    /**
     * Whether a stored hash was made with other parameters than the current settings (memory,
     * iterations, parallelism, salt or hash length), so it should be replaced after the next
     * successful {@link #verify}. A malformed hash needs rehashing too.
     */
    public boolean needsRehash(String encoded) {
        Argon2idHash stored;
        try {
            stored = Argon2idHash.parse(encoded);
        } catch (IllegalArgumentException malformed) {
            return true;
        }
        return stored.memoryKib() != settings.memoryKib()
                || stored.iterations() != settings.iterations()
                || stored.parallelism() != settings.parallelism()
                || stored.salt().length != settings.saltLength()
                || stored.hash().length != settings.hashLength();
    }

    /**
     * Parses a stored hash, for callers that want to know why it is unusable.
     *
     * @throws IllegalArgumentException with a precise message if it is not an Argon2id PHC string
     */
    public static Argon2idHash parse(String encoded) {
        return Argon2idHash.parse(encoded);
    }

    public PasswordHashSettings settings() {
        return settings;
    }

    private byte[] argon2id(
            char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int hashLength) {
        try {
            if (!slots.tryAcquire(concurrency.maxWait().toNanos(), TimeUnit.NANOSECONDS)) {
                throw new PasswordHasherBusyException(concurrency.maxConcurrent(), concurrency.maxWait());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PasswordHasherBusyException(concurrency.maxConcurrent(), concurrency.maxWait());
        }
        try {
            return compute(password, salt, memoryKib, iterations, parallelism, hashLength);
        } finally {
            slots.release();
        }
    }

    static byte[] compute(
            char[] password, byte[] salt, int memoryKib, int iterations, int parallelism, int hashLength) {
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(memoryKib)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .withSalt(salt)
                .build());
        byte[] passwordBytes = utf8(password);
        try {
            byte[] out = new byte[hashLength];
            generator.generateBytes(passwordBytes, out);
            return out;
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        if (encoded.hasArray()) {
            Arrays.fill(encoded.array(), (byte) 0);
        }
        return bytes;
    }
}
