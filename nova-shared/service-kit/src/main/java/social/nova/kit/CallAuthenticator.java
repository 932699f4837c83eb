package social.nova.kit;

/**
 * Turns the bearer token of an inbound call into the caller's identity. auth-service verifies
 * with its own keys; every other service with the auth client's cached JWKS. Implementations
 * throw {@code NovaException} (UNAUTHENTICATED) for a token that does not verify.
 */
@FunctionalInterface
public interface CallAuthenticator {
    /**
     * Ignores tokens: calls carry no verified identity, and {@link Callers#require()} refuses them.
     * The default until a service calls {@code ServiceKit.authenticateWith(...)}.
     */
    CallAuthenticator NONE = token -> null;

    /** The verified caller of a call that sent {@code authorization: Bearer <token>}; null to ignore it. */
    Caller authenticate(String bearerToken);
}
