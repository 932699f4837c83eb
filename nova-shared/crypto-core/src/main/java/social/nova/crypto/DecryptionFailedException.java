package social.nova.crypto;

/**
 * Authenticated decryption refused a ciphertext: the key is not the one that encrypted it, or the
 * ciphertext or its associated data were changed. The message never contains key material.
 */
public final class DecryptionFailedException extends RuntimeException {
    public DecryptionFailedException(String message) {
        super("cannot decrypt: " + message);
    }
}
