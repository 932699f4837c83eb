package social.nova.crypto;

/** The HMAC behind a TOTP code (RFC 6238 section 1.2): SHA1 is what authenticator apps default to. */
public enum TotpAlgorithm {
    SHA1("HmacSHA1"),
    SHA256("HmacSHA256"),
    SHA512("HmacSHA512");

    private final String macName;

    TotpAlgorithm(String macName) {
        this.macName = macName;
    }

    /** The JCA name of the MAC. */
    String macName() {
        return macName;
    }
}
