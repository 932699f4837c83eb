package social.nova.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.auth.v1.CompleteOidcSignInRequest;
import social.nova.contracts.auth.v1.ConfirmPasswordResetRequest;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.LogoutRequest;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.contracts.auth.v1.RequestPasswordResetRequest;
import social.nova.contracts.auth.v1.ResendVerificationEmailRequest;
import social.nova.contracts.auth.v1.StartOidcSignInRequest;
import social.nova.contracts.auth.v1.VerifyEmailRequest;
import social.nova.kit.Caller;

/**
 * {@code /api/v1/auth}: accounts, tokens, account mail and sign-in with OpenID Connect providers,
 * on auth-service. Only logout and the resend of the verification mail need a signed-in user.
 */
final class AuthRoutes implements HttpService {
    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    /** {@code POST /register}. */
    record RegisterBody(String email, String password, String username, String displayName) {}

    /** {@code POST /login}; {@code totp} only for accounts with two-factor authentication. */
    record LoginBody(String email, String password, String totp) {}

    /** {@code POST /refresh} and {@code POST /logout}. */
    record RefreshBody(String refreshToken) {}

    /** {@code POST /verify-email}: the token from the verification mail. */
    record TokenBody(String token) {}

    /** {@code POST /password-reset}. */
    record ResetBody(String email) {}

    /** {@code POST /password-reset/confirm}. */
    record NewPasswordBody(String token, String newPassword) {}

    AuthRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/register", this::register)
                .post("/login", this::login)
                .post("/refresh", this::refresh)
                .post("/logout", authentication.required(this::logout))
                .post("/verify-email", this::verifyEmail)
                .post("/verify-email/resend", authentication.required(this::resendVerification))
                .post("/password-reset", this::requestPasswordReset)
                .post("/password-reset/confirm", this::confirmPasswordReset)
                .get("/oidc/{provider}/start", this::startOidcSignIn)
                .get("/oidc/{provider}/callback", this::completeOidcSignIn);
    }

    private void register(ServerRequest request, ServerResponse response) {
        RegisterBody body = json.read(request, RegisterBody.class);
        String userId = backends.auth()
                .register(RegisterRequest.newBuilder()
                        .setEmail(Json.orEmpty(body.email()))
                        .setPassword(Json.orEmpty(body.password()))
                        .setUsername(Json.orEmpty(body.username()))
                        .setDisplayName(Json.orEmpty(body.displayName()))
                        .build())
                .getUserId();
        json.send(response, Status.CREATED_201, new Views.Registered(userId));
    }

    private void login(ServerRequest request, ServerResponse response) {
        LoginBody body = json.read(request, LoginBody.class);
        LoginRequest.Builder login = LoginRequest.newBuilder()
                .setEmail(Json.orEmpty(body.email()))
                .setPassword(Json.orEmpty(body.password()));
        if (body.totp() != null) {
            login.setTotpCode(body.totp());
        }
        json.send(response, Views.Tokens.of(backends.auth().login(login.build()).getTokens()));
    }

    private void refresh(ServerRequest request, ServerResponse response) {
        RefreshBody body = json.read(request, RefreshBody.class);
        json.send(
                response,
                Views.Tokens.of(backends.auth()
                        .refresh(RefreshRequest.newBuilder()
                                .setRefreshToken(Json.orEmpty(body.refreshToken()))
                                .build())
                        .getTokens()));
    }

    private void logout(ServerRequest request, ServerResponse response, Caller caller) {
        RefreshBody body = json.read(request, RefreshBody.class);
        backends.auth()
                .logout(LogoutRequest.newBuilder()
                        .setRefreshToken(Json.orEmpty(body.refreshToken()))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void verifyEmail(ServerRequest request, ServerResponse response) {
        TokenBody body = json.read(request, TokenBody.class);
        backends.auth()
                .verifyEmail(VerifyEmailRequest.newBuilder()
                        .setToken(Json.orEmpty(body.token()))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    /** 202: the mail is queued (it leaves through auth-service's mail outbox). */
    private void resendVerification(ServerRequest request, ServerResponse response, Caller caller) {
        backends.auth().resendVerificationEmail(ResendVerificationEmailRequest.getDefaultInstance());
        response.status(Status.ACCEPTED_202).send();
    }

    /** 202 whether or not the email has an account: the answer tells nobody which emails exist. */
    private void requestPasswordReset(ServerRequest request, ServerResponse response) {
        ResetBody body = json.read(request, ResetBody.class);
        backends.auth()
                .requestPasswordReset(RequestPasswordResetRequest.newBuilder()
                        .setEmail(Json.orEmpty(body.email()))
                        .build());
        response.status(Status.ACCEPTED_202).send();
    }

    private void confirmPasswordReset(ServerRequest request, ServerResponse response) {
        NewPasswordBody body = json.read(request, NewPasswordBody.class);
        backends.auth()
                .confirmPasswordReset(ConfirmPasswordResetRequest.newBuilder()
                        .setToken(Json.orEmpty(body.token()))
                        .setNewPassword(Json.orEmpty(body.newPassword()))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    /**
     * {@code GET /oidc/{provider}/start?redirectUri=}: 302 to the provider's sign-in page. A browser
     * navigates here; what it is sent to must not be cached or replayed.
     */
    private void startOidcSignIn(ServerRequest request, ServerResponse response) {
        String authorizationUrl = backends.auth()
                .startOidcSignIn(StartOidcSignInRequest.newBuilder()
                        .setProvider(request.path().pathParameters().get("provider"))
                        .setRedirectUri(RequestParams.requiredQuery(request, "redirectUri"))
                        .build())
                .getAuthorizationUrl();
        response.status(Status.FOUND_302)
                .header(HeaderNames.LOCATION, authorizationUrl)
                .header(HeaderNames.CACHE_CONTROL, "no-store")
                .send();
    }

    /**
     * {@code GET /oidc/{provider}/callback?code=&state=} (or {@code ?error=&state=} when the user
     * cancelled at the provider): the usual token pair. The provider's redirect lands here, or on an
     * app's page that calls it with the same query.
     */
    private void completeOidcSignIn(ServerRequest request, ServerResponse response) {
        String state = RequestParams.requiredQuery(request, "state");
        String error = RequestParams.queryOrEmpty(request, "error");
        // A provider answers with a code, or with an error instead.
        String code = error.isEmpty()
                ? RequestParams.requiredQuery(request, "code")
                : RequestParams.queryOrEmpty(request, "code");
        var completed = backends.auth()
                .completeOidcSignIn(CompleteOidcSignInRequest.newBuilder()
                        .setProvider(request.path().pathParameters().get("provider"))
                        .setCode(code)
                        .setState(state)
                        .setError(error)
                        .build());
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        json.send(response, Views.Tokens.of(completed.getTokens()));
    }
}
