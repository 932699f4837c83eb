package social.nova.auth;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import com.nimbusds.jwt.JWT;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.openid.connect.sdk.Nonce;
import com.nimbusds.openid.connect.sdk.claims.IDTokenClaimsSet;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import social.nova.crypto.Tokens;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Sign-in with external OpenID Connect providers: the authorization code flow with PKCE, state and
 * nonce, and what an identity means for Nova's accounts.
 *
 * <p>{@link #start} stores the sign-in under the SHA-256 of its random state, with the nonce, the
 * PKCE verifier and the redirect URI, and answers the provider's authorization URL. {@link
 * #complete} removes that row first (a state is usable once, whatever happens next), exchanges the
 * code, validates the ID token, and then:
 * <ul>
 *   <li>a known identity (provider, subject) signs in to its account;
 *   <li>a new identity whose email the provider marks verified links to the account with that email
 *       (and that address counts as verified in Nova too);
 *   <li>an email the provider does not mark verified never links: if an account has it, the answer
 *       is ALREADY_EXISTS and nothing changes;
 *   <li>otherwise a new account is created, without a password, and its profile follows through
 *       UserRegistered like a registration's.
 * </ul>
 * Two-factor authentication (TOTP) guards password logins; a provider's sign-in is authenticated
 * by the provider.
 */
final class OidcSignIns {
    private static final int STATE_BYTES = 32;
    private static final int MAX_USERNAME = 30;
    private static final int MAX_DISPLAY_NAME = 50;
    private static final int USERNAME_TRIES = 5;
    /** A concurrent sign-in of the same new identity, email or username loses a unique index: try again. */
    private static final int TRANSACTION_TRIES = 3;

    private static final SecureRandom RANDOM = new SecureRandom();

    /** A started sign-in: where to send the browser, and until when it can be completed. */
    record Started(URI authorizationUrl, Instant expiresAt) {}

    /** What a completed sign-in did with the identity. */
    enum Outcome {
        SIGNED_IN,
        LINKED,
        CREATED
    }

    /** A completed sign-in. */
    record Completed(UUID userId, TokenPair tokens, Outcome outcome) {}

    private final Jdbi jdbi;
    private final OidcStore store;
    private final AccountStore accounts;
    private final Accounts registrations;
    private final AccountMail mail;
    private final Sessions sessions;
    private final Map<String, OidcProvider> providers;
    private final OidcSettings settings;
    private final RateLimiter startPerClient;
    private final Clock clock;

    OidcSignIns(
            Jdbi jdbi,
            OidcStore store,
            AccountStore accounts,
            Accounts registrations,
            AccountMail mail,
            Sessions sessions,
            Function<OidcSettings.Provider, OidcProvider> connect,
            OidcSettings settings,
            RateLimiter startPerClient,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.accounts = accounts;
        this.registrations = registrations;
        this.mail = mail;
        this.sessions = sessions;
        this.providers = settings.providers().values().stream()
                .collect(Collectors.toUnmodifiableMap(OidcSettings.Provider::name, connect));
        this.settings = settings;
        this.startPerClient = startPerClient;
        this.clock = clock;
    }

    Started start(String providerName, String redirectUri, String clientAddress) {
        new Violations()
                .requireNonBlank(providerName, "provider")
                .requireNonBlank(redirectUri, "redirect_uri")
                .throwIfAny();
        OidcProvider provider = provider(providerName);
        URI redirect = allowedRedirect(redirectUri.trim());
        RateLimits.enforce(startPerClient, clientAddress, AuthErrors.DOMAIN);

        State state = new State(Tokens.randomUrlSafe(STATE_BYTES));
        Nonce nonce = new Nonce(Tokens.randomUrlSafe(STATE_BYTES));
        CodeVerifier verifier = new CodeVerifier();
        // Built before anything is stored: a provider that cannot be read leaves no row behind.
        URI authorizationUrl = provider.authorizationUrl(redirect, state, nonce, verifier);
        Instant now = clock.instant();
        Instant expiresAt = now.plus(settings.signInTtl());
        jdbi.useTransaction(handle -> {
            store.purgeExpired(handle, now);
            store.start(
                    handle,
                    Tokens.sha256(state.getValue()),
                    new OidcStore.Started(provider.name(), nonce.getValue(), verifier.getValue(), redirect, expiresAt));
        });
        return new Started(authorizationUrl, expiresAt);
    }

    Completed complete(String providerName, String code, String state, String error) {
        boolean denied = error != null && !error.isBlank();
        new Violations()
                .requireNonBlank(providerName, "provider")
                .requireNonBlank(state, "state")
                .require(denied || (code != null && !code.isBlank()), "code", "must not be empty")
                .throwIfAny();
        OidcProvider provider = provider(providerName);
        Instant now = clock.instant();
        // Removed in its own transaction, before the provider is asked: a replay finds nothing,
        // even when this sign-in fails further on.
        OidcStore.Started started = jdbi.inTransaction(handle -> store.consume(handle, Tokens.sha256(state.trim())))
                .filter(found -> found.provider().equals(provider.name()))
                .filter(found -> found.expiresAt().isAfter(now))
                .orElseThrow(() -> AuthErrors.of(
                        ErrorCode.FAILED_PRECONDITION,
                        "OIDC_STATE_INVALID",
                        "this sign-in is unknown, already completed, expired or was started with another provider:"
                                + " start it again"));
        if (denied) {
            throw AuthErrors.of(
                    ErrorCode.UNAUTHENTICATED,
                    "OIDC_SIGN_IN_DENIED",
                    provider.name() + " did not sign the user in (" + printable(error) + ")");
        }
        JWT idToken = provider.exchange(code.trim(), started.redirectUri(), new CodeVerifier(started.codeVerifier()));
        IDTokenClaimsSet claims = provider.validate(idToken, new Nonce(started.nonce()));
        return signIn(provider.name(), claims);
    }

    private Completed signIn(String provider, IDTokenClaimsSet claims) {
        String subject = claims.getSubject().getValue();
        String email = Optional.ofNullable(claims.getStringClaim("email"))
                .map(String::trim)
                .orElse(null);
        boolean emailVerified = Boolean.TRUE.equals(claims.getBooleanClaim("email_verified"));
        for (int attempt = 1; ; attempt++) {
            try {
                return jdbi.inTransaction(handle -> signIn(handle, provider, subject, email, emailVerified, claims));
            } catch (UnableToExecuteStatementException e) {
                if (attempt >= TRANSACTION_TRIES || !Accounts.isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
    }

    private Completed signIn(
            Handle handle,
            String provider,
            String subject,
            String email,
            boolean emailVerified,
            IDTokenClaimsSet claims) {
        Instant now = clock.instant();
        Optional<UUID> known = store.signIn(handle, provider, subject, now);
        if (known.isPresent()) {
            Account account = accounts.byId(handle, known.get())
                    .orElseThrow(
                            () -> NovaException.notFound("account", known.get().toString()));
            return opened(handle, account.id(), account.emailVerified(), Outcome.SIGNED_IN);
        }
        if (email == null || !Accounts.isEmail(email)) {
            throw AuthErrors.of(
                    ErrorCode.FAILED_PRECONDITION,
                    "OIDC_EMAIL_MISSING",
                    provider + " gave no email address for this identity (Nova's client there needs the email"
                            + " scope)");
        }
        Optional<Account> existing = accounts.byEmail(handle, email);
        if (existing.isPresent()) {
            if (!emailVerified) {
                throw AuthErrors.of(
                        ErrorCode.ALREADY_EXISTS,
                        "OIDC_EMAIL_NOT_VERIFIED",
                        "an account with this email exists, and " + provider + " does not say the address is"
                                + " verified: sign in with the password, or verify the address at " + provider);
            }
            UUID accountId = existing.get().id();
            store.link(handle, provider, subject, accountId, email, now);
            mail.markVerified(handle, accountId, now);
            return opened(handle, accountId, true, Outcome.LINKED);
        }
        Account created = registrations.createFederated(
                handle, email, username(handle, claims, email), displayName(claims, email), emailVerified);
        store.link(handle, provider, subject, created.id(), email, now);
        return opened(handle, created.id(), emailVerified, Outcome.CREATED);
    }

    private Completed opened(Handle handle, UUID accountId, boolean emailVerified, Outcome outcome) {
        return new Completed(accountId, sessions.open(handle, accountId, emailVerified), outcome);
    }

    private OidcProvider provider(String name) {
        OidcProvider provider = providers.get(name.trim());
        if (provider == null) {
            throw AuthErrors.of(
                    ErrorCode.NOT_FOUND,
                    "OIDC_PROVIDER_UNKNOWN",
                    "no OpenID Connect provider '" + printable(name) + "' is configured; configured: "
                            + String.join(
                                    ", ", providers.keySet().stream().sorted().toList()));
        }
        return provider;
    }

    /** Exactly one of the configured redirect URIs: no prefix or pattern, so no open redirect. */
    private URI allowedRedirect(String redirectUri) {
        try {
            URI uri = new URI(redirectUri);
            if (settings.redirectUris().contains(uri)) {
                return uri;
            }
        } catch (URISyntaxException notAUri) {
            // refused below, like any URI not on the list
        }
        throw NovaException.invalidArgument(
                "redirect_uri '" + printable(redirectUri) + "' is not one of the redirect URIs auth-service allows",
                social.nova.errors.FieldViolation.of("redirect_uri", "must be one of the allowed redirect URIs"));
    }

    /**
     * The provider's preferred username, else the email's local part, made a Nova username (a-z, 0-9
     * and "_", 3 to 30); with a random suffix while taken.
     */
    private String username(Handle handle, IDTokenClaimsSet claims, String email) {
        String base = usernameFrom(claims.getStringClaim("preferred_username"));
        if (base.length() < 3) {
            base = usernameFrom(email.substring(0, email.indexOf('@')));
        }
        if (base.length() < 3) {
            base = base + "_user";
        }
        String candidate = base;
        String stem = base.substring(0, Math.min(base.length(), MAX_USERNAME - 5));
        for (int tries = 0; tries < USERNAME_TRIES && accounts.usernameTaken(handle, candidate); tries++) {
            candidate = stem + "_" + String.format(Locale.ROOT, "%04d", RANDOM.nextInt(10_000));
        }
        return candidate;
    }

    static String usernameFrom(String claim) {
        if (claim == null) {
            return "";
        }
        String name = claim.trim().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]+", "_");
        return name.substring(0, Math.min(name.length(), MAX_USERNAME));
    }

    private static String displayName(IDTokenClaimsSet claims, String email) {
        String name = Optional.ofNullable(claims.getStringClaim("name"))
                .filter(value -> !value.isBlank())
                .orElseGet(() -> Optional.ofNullable(claims.getStringClaim("given_name"))
                        .filter(value -> !value.isBlank())
                        .orElse(email.substring(0, email.indexOf('@'))));
        String trimmed = name.trim();
        return trimmed.substring(0, Math.min(trimmed.length(), MAX_DISPLAY_NAME));
    }

    /** Echoes at most a short, printable prefix of what the caller sent. */
    private static String printable(String value) {
        String shortened = value.length() > 64 ? value.substring(0, 64) + "..." : value;
        return shortened.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
