package social.nova.auth;

import java.time.Instant;
import java.util.UUID;

/** An account as stored in {@code auth.accounts}. */
record Account(
        UUID id,
        String email,
        String username,
        String displayName,
        String passwordHash,
        Instant createdAt,
        String totpSecret,
        String totpPending,
        Instant totpEnabledAt,
        Long totpLastStep,
        Instant emailVerifiedAt) {

    boolean emailVerified() {
        return emailVerifiedAt != null;
    }

    boolean totpEnabled() {
        return totpSecret != null;
    }
}
