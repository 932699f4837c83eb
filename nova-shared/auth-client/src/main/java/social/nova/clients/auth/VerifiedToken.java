package social.nova.clients.auth;

import java.time.Instant;

/** The claims of an access token that verified locally. */
public record VerifiedToken(String userId, String sessionId, Instant issuedAt, Instant expiresAt) {}
