package social.nova.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM authenticated encryption on the JDK's own provider:
 * <pre>{@code
 * SecretKey key = AesGcm.key(thirtyTwoRandomBytes);
 * byte[] sealed = AesGcm.seal(key, plaintext, rowId);       // random 96-bit nonce || ciphertext || tag
 * byte[] plain = AesGcm.open(key, sealed, rowId);           // DecryptionFailedException if anything differs
 * SecretKey perToken = AesGcm.deriveKey(refreshToken, "purpose");   // HMAC-SHA256, for high-entropy secrets only
 * }</pre>
 * The associated data binds a ciphertext to where it is stored (an account id, a token hash), so a
 * ciphertext copied to another row does not decrypt. A fresh random nonce per message is safe for
 * far more than 2^32 messages per key at Nova's volumes.
 */
public final class AesGcm {
    /** Key length in bytes (AES-256). */
    public static final int KEY_BYTES = 32;

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private AesGcm() {}

    /** An AES-256 key from exactly {@value #KEY_BYTES} bytes. */
    public static SecretKey key(byte[] bytes) {
        if (bytes == null || bytes.length != KEY_BYTES) {
            throw new IllegalArgumentException(
                    "an AES-256 key is " + KEY_BYTES + " bytes, got " + (bytes == null ? "none" : bytes.length));
        }
        return new SecretKeySpec(bytes, "AES");
    }

    /**
     * A key derived from a high-entropy secret (a random token, never a password) for one purpose:
     * HMAC-SHA256 keyed with the secret over the purpose. Knowing {@link Tokens#sha256} of the
     * secret does not give this key.
     */
    public static SecretKey deriveKey(String secret, String purpose) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(purpose, "purpose");
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return key(mac.doFinal(purpose.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required of every Java platform", e);
        }
    }

    /** Encrypts {@code plaintext}: a random nonce followed by the ciphertext and its tag. */
    public static byte[] seal(SecretKey key, byte[] plaintext, byte[] associatedData) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData);
            byte[] ciphertext = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(NONCE_BYTES + ciphertext.length)
                    .put(nonce)
                    .put(ciphertext)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM encryption failed: " + e.getMessage(), e);
        }
    }

    /**
     * Decrypts what {@link #seal} made with the same key and associated data.
     *
     * @throws DecryptionFailedException when the key or associated data differ or the bytes were
     *                                   changed
     */
    public static byte[] open(SecretKey key, byte[] sealed, byte[] associatedData) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new DecryptionFailedException("too short to be AES-GCM output");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, Arrays.copyOf(sealed, NONCE_BYTES)));
            cipher.updateAAD(associatedData);
            return cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw new DecryptionFailedException("wrong key, or the ciphertext or its context was changed");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM decryption failed: " + e.getMessage(), e);
        }
    }
}
