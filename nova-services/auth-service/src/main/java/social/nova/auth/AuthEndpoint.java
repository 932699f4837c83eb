package social.nova.auth;

import java.time.Instant;
import java.util.Date;
import java.util.UUID;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.auth.v1.CompleteOidcSignInRequest;
import social.nova.contracts.auth.v1.CompleteOidcSignInResponse;
import social.nova.contracts.auth.v1.ConfirmPasswordResetRequest;
import social.nova.contracts.auth.v1.ConfirmPasswordResetResponse;
import social.nova.contracts.auth.v1.ConfirmTotpRequest;
import social.nova.contracts.auth.v1.ConfirmTotpResponse;
import social.nova.contracts.auth.v1.DisableTotpRequest;
import social.nova.contracts.auth.v1.DisableTotpResponse;
import social.nova.contracts.auth.v1.EnrollTotpRequest;
import social.nova.contracts.auth.v1.EnrollTotpResponse;
import social.nova.contracts.auth.v1.GetPublicKeysRequest;
import social.nova.contracts.auth.v1.GetPublicKeysResponse;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.LoginResponse;
import social.nova.contracts.auth.v1.LogoutRequest;
import social.nova.contracts.auth.v1.LogoutResponse;
import social.nova.contracts.auth.v1.OidcSignInOutcome;
import social.nova.contracts.auth.v1.PublicKey;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RefreshResponse;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.RegisterResponse;
import social.nova.contracts.auth.v1.RequestPasswordResetRequest;
import social.nova.contracts.auth.v1.RequestPasswordResetResponse;
import social.nova.contracts.auth.v1.ResendVerificationEmailRequest;
import social.nova.contracts.auth.v1.ResendVerificationEmailResponse;
import social.nova.contracts.auth.v1.StartOidcSignInRequest;
import social.nova.contracts.auth.v1.StartOidcSignInResponse;
import social.nova.contracts.auth.v1.TokenClaims;
import social.nova.contracts.auth.v1.VerifyEmailRequest;
import social.nova.contracts.auth.v1.VerifyEmailResponse;
import social.nova.contracts.auth.v1.VerifyTokenRequest;
import social.nova.contracts.auth.v1.VerifyTokenResponse;
import social.nova.crypto.AccessToken;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of auth-service: proto in, domain call, proto out. Validation and every error
 * live in the domain ({@link Accounts}, {@link Sessions}); the kit maps thrown errors to statuses.
 */
final class AuthEndpoint extends AuthServiceGrpc.AuthServiceImplBase {
    private static final String BEARER = "Bearer";

    private final Accounts accounts;
    private final AccountMail mail;
    private final Sessions sessions;
    private final SigningKeys keys;
    private final AuthSettings settings;
    private final OidcSignIns oidc;

    AuthEndpoint(
            Accounts accounts,
            AccountMail mail,
            OidcSignIns oidc,
            Sessions sessions,
            SigningKeys keys,
            AuthSettings settings) {
        this.accounts = accounts;
        this.mail = mail;
        this.oidc = oidc;
        this.sessions = sessions;
        this.keys = keys;
        this.settings = settings;
    }

    @Override
    public void register(RegisterRequest request, StreamObserver<RegisterResponse> response) {
        UUID userId = accounts.register(
                request.getEmail(),
                request.getPassword(),
                request.getUsername(),
                request.getDisplayName(),
                Callers.clientAddress());
        reply(
                response,
                RegisterResponse.newBuilder().setUserId(userId.toString()).build());
    }

    @Override
    public void login(LoginRequest request, StreamObserver<LoginResponse> response) {
        Accounts.Login login = accounts.login(
                request.getEmail(),
                request.getPassword(),
                request.hasTotpCode() ? request.getTotpCode() : null,
                Callers.clientAddress());
        reply(
                response,
                LoginResponse.newBuilder()
                        .setUserId(login.userId().toString())
                        .setTokens(tokens(login.tokens()))
                        .build());
    }

    @Override
    public void refresh(RefreshRequest request, StreamObserver<RefreshResponse> response) {
        reply(
                response,
                RefreshResponse.newBuilder()
                        .setTokens(tokens(sessions.refresh(request.getRefreshToken())))
                        .build());
    }

    @Override
    public void logout(LogoutRequest request, StreamObserver<LogoutResponse> response) {
        sessions.logout(request.getRefreshToken());
        reply(response, LogoutResponse.getDefaultInstance());
    }

    @Override
    public void verifyToken(VerifyTokenRequest request, StreamObserver<VerifyTokenResponse> response) {
        AccessToken token = sessions.verify(request.getAccessToken());
        reply(
                response,
                VerifyTokenResponse.newBuilder()
                        .setClaims(TokenClaims.newBuilder()
                                .setUserId(token.userId())
                                .setSessionId(token.sessionId())
                                .setIssuedAt(timestamp(token.issuedAt()))
                                .setExpiresAt(timestamp(token.expiresAt()))
                                .setEmailVerified(token.emailVerified()))
                        .build());
    }

    @Override
    public void getPublicKeys(GetPublicKeysRequest request, StreamObserver<GetPublicKeysResponse> response) {
        JWKSet jwks = keys.publicKeys();
        GetPublicKeysResponse.Builder answer = GetPublicKeysResponse.newBuilder()
                .setJwksJson(jwks.toString(true))
                .setMaxAgeSeconds(settings.jwksMaxAge().toSeconds());
        for (JWK key : jwks.getKeys()) {
            PublicKey.Builder described = PublicKey.newBuilder()
                    .setKid(key.getKeyID())
                    .setAlg(
                            key.getAlgorithm() == null
                                    ? "ES256"
                                    : key.getAlgorithm().getName())
                    .setUse("sig")
                    .setKty(key.getKeyType().getValue());
            Date retires = key.getExpirationTime();
            if (retires != null) {
                described.setNotAfter(timestamp(retires.toInstant()));
            }
            answer.addKeys(described);
        }
        reply(response, answer.build());
    }

    @Override
    public void enrollTotp(EnrollTotpRequest request, StreamObserver<EnrollTotpResponse> response) {
        Accounts.Enrollment enrollment = accounts.enrollTotp(callerId());
        reply(
                response,
                EnrollTotpResponse.newBuilder()
                        .setSecret(enrollment.secret())
                        .setOtpauthUri(enrollment.otpauthUri())
                        .build());
    }

    @Override
    public void confirmTotp(ConfirmTotpRequest request, StreamObserver<ConfirmTotpResponse> response) {
        Instant enabledAt = accounts.confirmTotp(callerId(), request.getCode());
        reply(
                response,
                ConfirmTotpResponse.newBuilder()
                        .setEnabledAt(timestamp(enabledAt))
                        .build());
    }

    @Override
    public void disableTotp(DisableTotpRequest request, StreamObserver<DisableTotpResponse> response) {
        accounts.disableTotp(callerId(), request.getCode());
        reply(response, DisableTotpResponse.getDefaultInstance());
    }

    @Override
    public void verifyEmail(VerifyEmailRequest request, StreamObserver<VerifyEmailResponse> response) {
        AccountMail.Verified verified = mail.verify(request.getToken());
        reply(
                response,
                VerifyEmailResponse.newBuilder()
                        .setUserId(verified.userId().toString())
                        .setVerifiedAt(timestamp(verified.verifiedAt()))
                        .build());
    }

    @Override
    public void resendVerificationEmail(
            ResendVerificationEmailRequest request, StreamObserver<ResendVerificationEmailResponse> response) {
        mail.resendVerification(callerId());
        reply(response, ResendVerificationEmailResponse.getDefaultInstance());
    }

    @Override
    public void requestPasswordReset(
            RequestPasswordResetRequest request, StreamObserver<RequestPasswordResetResponse> response) {
        mail.requestPasswordReset(request.getEmail(), Callers.clientAddress());
        reply(response, RequestPasswordResetResponse.getDefaultInstance());
    }

    @Override
    public void confirmPasswordReset(
            ConfirmPasswordResetRequest request, StreamObserver<ConfirmPasswordResetResponse> response) {
        UUID userId = accounts.resetPassword(request.getToken(), request.getNewPassword());
        reply(
                response,
                ConfirmPasswordResetResponse.newBuilder()
                        .setUserId(userId.toString())
                        .build());
    }

    @Override
    public void startOidcSignIn(StartOidcSignInRequest request, StreamObserver<StartOidcSignInResponse> response) {
        OidcSignIns.Started started =
                oidc.start(request.getProvider(), request.getRedirectUri(), Callers.clientAddress());
        reply(
                response,
                StartOidcSignInResponse.newBuilder()
                        .setAuthorizationUrl(started.authorizationUrl().toString())
                        .setExpiresAt(timestamp(started.expiresAt()))
                        .build());
    }

    @Override
    public void completeOidcSignIn(
            CompleteOidcSignInRequest request, StreamObserver<CompleteOidcSignInResponse> response) {
        OidcSignIns.Completed completed =
                oidc.complete(request.getProvider(), request.getCode(), request.getState(), request.getError());
        reply(
                response,
                CompleteOidcSignInResponse.newBuilder()
                        .setUserId(completed.userId().toString())
                        .setTokens(tokens(completed.tokens()))
                        .setOutcome(
                                switch (completed.outcome()) {
                                    case SIGNED_IN -> OidcSignInOutcome.OIDC_SIGN_IN_OUTCOME_SIGNED_IN;
                                    case LINKED -> OidcSignInOutcome.OIDC_SIGN_IN_OUTCOME_LINKED;
                                    case CREATED -> OidcSignInOutcome.OIDC_SIGN_IN_OUTCOME_CREATED;
                                })
                        .build());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }

    private static social.nova.contracts.auth.v1.TokenPair tokens(TokenPair pair) {
        return social.nova.contracts.auth.v1.TokenPair.newBuilder()
                .setAccessToken(pair.accessToken())
                .setRefreshToken(pair.refreshToken())
                .setExpiresInSeconds(pair.accessTokenTtl().toSeconds())
                .setTokenType(BEARER)
                .build();
    }
}
