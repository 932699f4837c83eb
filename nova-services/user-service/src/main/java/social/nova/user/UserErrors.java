package social.nova.user;

import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** user-service's typed failures, with the reasons its contract names (domain user.nova.social). */
final class UserErrors {
    static final String DOMAIN = "user.nova.social";

    private UserErrors() {}

    static NovaException of(ErrorCode code, String reason, String message) {
        return NovaException.builder(code, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }

    /** Unknown users and users who block the caller look the same. */
    static NovaException userNotFound(Object userId) {
        return NovaException.notFound("user", String.valueOf(userId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException profileMissing() {
        return of(
                ErrorCode.NOT_FOUND,
                "PROFILE_MISSING",
                "the caller has no profile yet (its registration has not been processed)");
    }

    static NovaException blocked() {
        return of(ErrorCode.FAILED_PRECONDITION, "BLOCKED", "one of the two users blocks the other");
    }
}
