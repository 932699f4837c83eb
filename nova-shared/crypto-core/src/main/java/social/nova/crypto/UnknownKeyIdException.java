package social.nova.crypto;

/**
 * The token names a key id the verifier does not know: a client caching the issuer's JWKS should
 * refetch it (once, rate-limited) and verify again.
 */
public final class UnknownKeyIdException extends TokenVerificationException {
    private final String keyId;

    public UnknownKeyIdException(String keyId) {
        super(Reason.UNKNOWN_KEY_ID);
        this.keyId = keyId;
    }

    /** The kid from the token header. */
    public String keyId() {
        return keyId;
    }
}
