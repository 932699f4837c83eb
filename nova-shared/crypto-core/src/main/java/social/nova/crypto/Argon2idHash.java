package social.nova.crypto;

import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed Argon2id hash in the PHC string format used by the reference implementation, libsodium,
 * argon2-cffi and others: {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}, salt and hash in
 * standard Base64 without padding. Only version 19 (0x13, Argon2 1.3) is accepted.
 *
 * @param memoryKib   memory cost in KiB
 * @param iterations  time cost
 * @param parallelism lanes
 * @param salt        the salt (a copy is kept and returned)
 * @param hash        the hash (a copy is kept and returned)
 */
public record Argon2idHash(int memoryKib, int iterations, int parallelism, byte[] salt, byte[] hash) {
    /** Argon2 version 1.3, the only one Nova writes or reads. */
    public static final int VERSION = 0x13;

    private static final String PREFIX = "$argon2id$v=" + VERSION + "$";
    private static final Pattern FORMAT = Pattern.compile(
            "\\$argon2id\\$v=(\\d+)\\$m=(\\d{1,10}),t=(\\d{1,10}),p=(\\d{1,10})\\$([A-Za-z0-9+/]+)\\$([A-Za-z0-9+/]+)");

    public Argon2idHash {
        salt = salt.clone();
        hash = hash.clone();
    }

    /**
     * Parses a PHC string.
     *
     * @throws IllegalArgumentException saying what is wrong when the string is not a version-19
     *                                  Argon2id PHC string
     */
    public static Argon2idHash parse(String encoded) {
        if (encoded == null) {
            throw new IllegalArgumentException("encoded Argon2id hash is null");
        }
        Matcher m = FORMAT.matcher(encoded);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "not an Argon2id PHC string ($argon2id$v=19$m=<KiB>,t=<iterations>,p=<lanes>$<salt>$<hash>)");
        }
        if (!m.group(1).equals(Integer.toString(VERSION))) {
            throw new IllegalArgumentException(
                    "unsupported Argon2 version v=" + m.group(1) + ", expected v=" + VERSION);
        }
        int memoryKib = positiveInt(m.group(2), "m");
        int iterations = positiveInt(m.group(3), "t");
        int parallelism = positiveInt(m.group(4), "p");
        if (memoryKib < PasswordHashSettings.MIN_MEMORY_KIB_PER_LANE * parallelism) {
            throw new IllegalArgumentException("m must be at least 8 * p");
        }
        byte[] salt = base64(m.group(5), "salt");
        byte[] hash = base64(m.group(6), "hash");
        if (salt.length < PasswordHashSettings.MIN_SALT_LENGTH) {
            throw new IllegalArgumentException("salt shorter than " + PasswordHashSettings.MIN_SALT_LENGTH + " bytes");
        }
        if (hash.length < PasswordHashSettings.MIN_HASH_LENGTH) {
            throw new IllegalArgumentException("hash shorter than " + PasswordHashSettings.MIN_HASH_LENGTH + " bytes");
        }
        return new Argon2idHash(memoryKib, iterations, parallelism, salt, hash);
    }

    /** The PHC string. */
    public String encoded() {
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + "m=" + memoryKib + ",t=" + iterations + ",p=" + parallelism + "$" + b64.encodeToString(salt)
                + "$" + b64.encodeToString(hash);
    }

    @Override
    public byte[] salt() {
        return salt.clone();
    }

    @Override
    public byte[] hash() {
        return hash.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Argon2idHash other
                && memoryKib == other.memoryKib
                && iterations == other.iterations
                && parallelism == other.parallelism
                && Arrays.equals(salt, other.salt)
                && Arrays.equals(hash, other.hash);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(salt) + Arrays.hashCode(hash);
    }

    @Override
    public String toString() {
        // The hash itself stays out of logs.
        return "Argon2idHash[m=" + memoryKib + ", t=" + iterations + ", p=" + parallelism + ", salt="
                + HexFormat.of().formatHex(salt) + ", hash=" + hash.length + " bytes]";
    }

    private static int positiveInt(String digits, String name) {
        try {
            int value = Integer.parseInt(digits);
            if (value < 1) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " is out of range: " + digits);
        }
    }

    private static byte[] base64(String text, String name) {
        try {
            return Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid Base64");
        }
    }
}
