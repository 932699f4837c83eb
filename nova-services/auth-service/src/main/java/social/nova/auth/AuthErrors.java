package social.nova.auth;

import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** auth-service's typed failures, with the reasons its contract names (domain auth.nova.social). */
final class AuthErrors {
    static final String DOMAIN = "auth.nova.social";

    private AuthErrors() {}

    static NovaException of(ErrorCode code, String reason, String message) {
        return NovaException.builder(code, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }

    static NovaException invalidCredentials() {
        return of(ErrorCode.UNAUTHENTICATED, "INVALID_CREDENTIALS", "email or password is wrong");
    }

    static NovaException totpRequired() {
        return of(ErrorCode.UNAUTHENTICATED, "TOTP_REQUIRED", "two-factor authentication is on: send totp_code");
    }

    static NovaException totpInvalid() {
        return of(ErrorCode.UNAUTHENTICATED, "TOTP_INVALID", "the TOTP code is wrong, expired or already used");
    }

    /** Every password hashing slot is busy (a burst of sign-ins): come back in a moment. */
    static NovaException busy(java.time.Duration retryAfter) {
        return NovaException.builder(ErrorCode.UNAVAILABLE, "too many sign-ins at once; retry shortly")
                .reason("OVERLOADED")
                .domain(DOMAIN)
                .retryAfter(retryAfter)
                .build();
    }

    static NovaException tokenInvalid(String reason, String message) {
        return of(ErrorCode.UNAUTHENTICATED, reason, message);
    }
}
