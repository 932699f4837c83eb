package social.nova.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;

import io.helidon.config.Config;

/**
 * Encrypts small secrets kept in a database (TOTP seeds, ...) with AES-256-GCM under named keys,
 * so keys can rotate: the first key encrypts, every listed key decrypts, and each value says which
 * key encrypted it.
 * <pre>{@code
 * AtRestCipher cipher = AtRestCipher.create(config.get("totp-encryption"));
 * String stored = cipher.encrypt(secret, accountId.toString());   // v1:<key id>:<base64url>
 * String secret = cipher.decrypt(stored, accountId.toString());
 * }</pre>
 * The context (e.g. the row's id) is the associated data: a value copied to another row does not
 * decrypt. Config key (under the node given to {@link #create(Config)}):
 * <pre>
 * keys: "2026-12=BASE64,2026-06=BASE64"   # id=Base64 of 32 random bytes, comma or newline separated
 * keys: file:/run/secrets/totp-keys       # or: the same format in a file (a mounted secret)
 * </pre>
 * Make a key with {@code openssl rand -base64 32}. Key ids are 1 to 32 characters of
 * {@code A-Z a-z 0-9 _ . -}.
 */
public final class AtRestCipher {
    private static final String VERSION = "v1";
    private static final String FILE_PREFIX = "file:";
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final Map<String, SecretKey> keys;
    private final String currentKeyId;

    private AtRestCipher(Map<String, SecretKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no encryption key configured (keys: \"<id>=<base64 of 32 bytes>\")");
        }
        this.keys = Map.copyOf(keys);
        this.currentKeyId = keys.keySet().iterator().next();
    }

    /**
     * From {@code keys}: the keys themselves, or {@code file:<path>} of a file holding them.
     *
     * @throws IllegalArgumentException naming the setting when it is missing or a key is malformed
     */
    public static AtRestCipher create(Config config) {
        String setting = config.key() + ".keys";
        String keys = config.get("keys").asString().orElse("");
        if (keys.startsWith(FILE_PREFIX)) {
            String file = keys.substring(FILE_PREFIX.length()).strip();
            try {
                return fromKeys(Files.readString(Path.of(file), StandardCharsets.UTF_8), setting + " (" + file + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + setting + " file " + file, e);
            }
        }
        return fromKeys(keys, setting);
    }

    /** From {@code id=base64,...} (commas or newlines); the first key encrypts. */
    public static AtRestCipher fromKeys(String spec, String setting) {
        Map<String, SecretKey> keys = new LinkedHashMap<>();
        for (String entry : Objects.requireNonNull(spec, "spec").split("[,\\n]")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int eq = trimmed.indexOf('=');
            String id = eq < 0 ? "" : trimmed.substring(0, eq).strip();
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalArgumentException(setting + ": each entry must be <id>=<base64 key> with an id of "
                        + "1 to 32 characters of A-Z a-z 0-9 _ . -");
            }
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(trimmed.substring(eq + 1).strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(setting + ": key '" + id + "' is not valid Base64");
            }
            if (bytes.length != AesGcm.KEY_BYTES) {
                throw new IllegalArgumentException(setting + ": key '" + id + "' must be " + AesGcm.KEY_BYTES
                        + " bytes (openssl rand -base64 32), got " + bytes.length);
            }
            if (keys.putIfAbsent(id, AesGcm.key(bytes)) != null) {
                throw new IllegalArgumentException(setting + ": key id '" + id + "' appears twice");
            }
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException(setting + ": no encryption key configured "
                    + "(\"<id>=<base64 of 32 bytes>\", the first one encrypts)");
        }
        return new AtRestCipher(keys);
    }

    /** The id of the key that encrypts. */
    public String currentKeyId() {
        return currentKeyId;
    }

    /** {@code v1:<current key id>:<base64url(nonce, ciphertext, tag)>}. */
    public String encrypt(String plaintext, String context) {
        byte[] sealed = AesGcm.seal(
                keys.get(currentKeyId),
                plaintext.getBytes(StandardCharsets.UTF_8),
                context.getBytes(StandardCharsets.UTF_8));
        return VERSION + ":" + currentKeyId + ":" + B64URL.encodeToString(sealed);
    }

    /**
     * The plaintext of an {@link #encrypt} result made with any configured key and the same context.
     *
     * @throws DecryptionFailedException naming the key id when that key is not configured, the key
     *                                   is wrong or the value or context was changed
     */
    public String decrypt(String stored, String context) {
        String[] parts = stored == null ? new String[0] : stored.split(":", 3);
        if (parts.length != 3 || !VERSION.equals(parts[0])) {
            throw new DecryptionFailedException("not an encrypted value (" + VERSION + ":<key id>:<data>)");
        }
        SecretKey key = keys.get(parts[1]);
        if (key == null) {
            throw new DecryptionFailedException("encrypted with key '" + parts[1] + "', which is not configured "
                    + "(configured: " + String.join(", ", keys.keySet()) + ")");
        }
        byte[] sealed;
        try {
            sealed = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new DecryptionFailedException(
                    "the data of a value encrypted with key '" + parts[1] + "' is not Base64");
        }
        try {
            return new String(
                    AesGcm.open(key, sealed, context.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8);
        } catch (DecryptionFailedException e) {
            throw new DecryptionFailedException("key '" + parts[1] + "' does not open this value (wrong key, "
                    + "or the value or its context was changed)");
        }
    }

    /** Whether {@code stored} is an {@link #encrypt} result (of any key) rather than a plaintext. */
    public static boolean isEncrypted(String stored) {
        return stored != null && stored.startsWith(VERSION + ":");
    }

    /** Whether {@code stored} is encrypted with the current key (else it should be re-encrypted). */
    public boolean isCurrent(String stored) {
        return stored != null && stored.startsWith(VERSION + ":" + currentKeyId + ":");
    }

    /** The SQL LIKE pattern of values encrypted with the current key, to find the others. */
    public String currentPrefixPattern() {
        return VERSION + ":" + currentKeyId.replace("_", "\\_") + ":%";
    }

    @Override
    public String toString() {
        return "AtRestCipher[current=" + currentKeyId + ", keys=" + keys.keySet() + "]";
    }
}
