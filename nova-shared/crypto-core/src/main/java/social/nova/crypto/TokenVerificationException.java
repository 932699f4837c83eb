package social.nova.crypto;

import java.util.Objects;

/**
 * Why an access token was refused. The message is a fixed text per {@link Reason}, safe to show a
 * caller; the underlying parser or crypto error, if any, is only the cause. Stack traces are not
 * recorded: refusing tokens is routine (and a cheap target for floods).
 */
public class TokenVerificationException extends RuntimeException {

    /** The kinds of refusal a caller can act on. */
    public enum Reason {
        /** Not a well-formed Nova access token (not a JWS, bad JSON, missing kid, wrong typ). */
        MALFORMED("malformed token"),
        /** Signed with an algorithm or key type Nova does not accept. */
        UNSUPPORTED_ALGORITHM("unsupported signing algorithm"),
        /** No known key has the token's kid: the verifier's key set may be stale. */
        UNKNOWN_KEY_ID("unknown signing key"),
        /** The signature does not match: tampered with or signed by someone else. */
        BAD_SIGNATURE("invalid signature"),
        /** Past its exp (plus the clock skew). */
        EXPIRED("token expired"),
        /** Its iat or nbf lies in the future (beyond the clock skew). */
        NOT_YET_VALID("token not yet valid"),
        /** Issued by someone else. */
        WRONG_ISSUER("wrong issuer"),
        /** Meant for another audience. */
        WRONG_AUDIENCE("wrong audience"),
        /** A required claim (sub, sid, jti, iat, exp) is missing. */
        MISSING_CLAIM("required claim missing");

        private final String message;

        Reason(String message) {
            this.message = message;
        }

        /** The caller-safe text of this reason. */
        public String message() {
            return message;
        }
    }

    private final Reason reason;

    public TokenVerificationException(Reason reason) {
        this(reason, null);
    }

    public TokenVerificationException(Reason reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason").message(), cause, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
