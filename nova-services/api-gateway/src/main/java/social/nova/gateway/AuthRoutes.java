package social.nova.gateway;

import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.auth.v1.LoginRequest;
import social.nova.contracts.auth.v1.LogoutRequest;
import social.nova.contracts.auth.v1.RefreshRequest;
import social.nova.contracts.auth.v1.RegisterRequest;
import social.nova.kit.Caller;

/** {@code /api/v1/auth}: accounts and tokens, on auth-service. Only logout needs a signed-in user. */
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
                .post("/logout", authentication.required(this::logout));
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
}
