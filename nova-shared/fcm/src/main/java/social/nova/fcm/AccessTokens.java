package social.nova.fcm;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.locks.ReentrantLock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * The access token FCM calls are made with: the service account signs a one-hour RS256 assertion
 * (nimbus-jose-jwt) and exchanges it at its {@code token_uri} (the OAuth2 JWT bearer grant, RFC
 * 7523). The token is kept until {@code token-refresh-margin} before it expires (or half its
 * lifetime, if that is shorter), and dropped when FCM refuses it.
 *
 * <p>One exchange at a time: callers that find no usable token queue on a {@link ReentrantLock}
 * (not {@code synchronized}, which pinned virtual threads before Java 24) and the first one's token
 * serves them all.
 */
final class AccessTokens {
    static final String SCOPE = "https://www.googleapis.com/auth/firebase.messaging";
    private static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    private static final Duration ASSERTION_LIFETIME = Duration.ofHours(1);
    private static final Duration DEFAULT_EXPIRES_IN = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ServiceAccount account;
    private final HttpClient http;
    private final Duration timeout;
    private final Duration refreshMargin;
    private final Clock clock;
    private final ReentrantLock exchanging = new ReentrantLock();
    private volatile Token current;

    private record Token(String value, Instant refreshAt) {}

    AccessTokens(ServiceAccount account, HttpClient http, Duration timeout, Duration refreshMargin, Clock clock) {
        this.account = account;
        this.http = http;
        this.timeout = timeout;
        this.refreshMargin = refreshMargin;
        this.clock = clock;
    }

    /** A usable access token: the cached one, or a new one from the token endpoint. */
    String get() throws FcmTokenException, InterruptedException {
        Token token = current;
        if (usable(token)) {
            return token.value();
        }
        exchanging.lockInterruptibly();
        try {
            token = current;
            if (usable(token)) {
                return token.value(); // another caller exchanged while this one waited
            }
            token = exchange();
            current = token;
            return token.value();
        } finally {
            exchanging.unlock();
        }
    }

    /** FCM refused {@code value} (401): the next {@link #get()} exchanges again, unless another caller already did. */
    void rejected(String value) {
        exchanging.lock();
        try {
            Token token = current;
            if (token != null && token.value().equals(value)) {
                current = null;
            }
        } finally {
            exchanging.unlock();
        }
    }

    private boolean usable(Token token) {
        return token != null && clock.instant().isBefore(token.refreshAt());
    }

    private Token exchange() throws FcmTokenException, InterruptedException {
        String form = "grant_type=" + URLEncoder.encode(JWT_BEARER, StandardCharsets.UTF_8) + "&assertion="
                + URLEncoder.encode(assertion(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(account.tokenUri())
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new FcmTokenException("token endpoint " + account.tokenUri() + " did not answer: " + e, true, e);
        }
        Instant received = clock.instant();
        JsonNode body = readJson(response.body());
        int status = response.statusCode();
        if (status != 200) {
            String error = body.path("error").asText("") + " "
                    + body.path("error_description").asText("");
            throw new FcmTokenException(
                    "token endpoint " + account.tokenUri() + " answered " + status + " for " + account.clientEmail()
                            + ": " + error.strip(),
                    status == 429 || status >= 500,
                    null);
        }
        String value = body.path("access_token").asText("");
        if (value.isBlank()) {
            throw new FcmTokenException(
                    "token endpoint " + account.tokenUri() + " answered no access_token", true, null);
        }
        Duration lifetime = body.path("expires_in").canConvertToLong()
                ? Duration.ofSeconds(body.path("expires_in").asLong())
                : DEFAULT_EXPIRES_IN;
        Duration margin = refreshMargin.compareTo(lifetime.dividedBy(2)) < 0 ? refreshMargin : lifetime.dividedBy(2);
        return new Token(value, received.plus(lifetime).minus(margin));
    }

    /** The signed assertion: iss = the account, aud = its token endpoint, FCM's scope, one hour. */
    private String assertion() throws FcmTokenException {
        Instant now = clock.instant();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(account.clientEmail())
                .audience(account.tokenUri().toString())
                .claim("scope", SCOPE)
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ASSERTION_LIFETIME)))
                .build();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .type(JOSEObjectType.JWT)
                .keyID(account.privateKeyId())
                .build();
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(new RSASSASigner(account.privateKey()));
        } catch (JOSEException e) {
            throw new FcmTokenException("cannot sign the assertion of " + account.clientEmail(), false, e);
        }
        return jwt.serialize();
    }

    private static JsonNode readJson(String body) {
        try {
            JsonNode node = JSON.readTree(body == null ? "" : body);
            return node == null ? JSON.createObjectNode() : node;
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }
}
