package social.nova.testing;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The double refuses what Google would refuse (nova-fcm-shared's tests cover what it accepts). */
class FcmDoubleTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
    private final FcmDouble fcm = FcmDouble.start("nova-test", clock);
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        http.close();
        fcm.close();
    }

    @Test
    void refusesAssertionsGoogleWouldRefuse() throws Exception {
        TestServiceAccount account = fcm.serviceAccount();
        Instant now = clock.instant();

        assertThat(exchange(sign(account, account.tokenUri().toString(), FcmDouble.SCOPE, now))
                        .statusCode())
                .isEqualTo(200);
        assertThat(refusal(sign(account, "https://oauth2.googleapis.com/token", FcmDouble.SCOPE, now)))
                .contains("aud");
        assertThat(refusal(sign(account, account.tokenUri().toString(), "https://www.googleapis.com/auth/cloud", now)))
                .contains("scope");
        assertThat(refusal(sign(account, account.tokenUri().toString(), FcmDouble.SCOPE, now.minusSeconds(7200))))
                .contains("Token must be a short-lived token");
        TestServiceAccount stranger = TestServiceAccount.generate("nova-test", account.tokenUri());
        TestServiceAccount impostor = new TestServiceAccount(
                "nova-test", account.clientEmail(), account.privateKeyId(), account.tokenUri(), stranger.keyPair());
        assertThat(refusal(sign(impostor, account.tokenUri().toString(), FcmDouble.SCOPE, now)))
                .contains("Invalid JWT Signature");
        assertThat(fcm.tokensIssued()).isEqualTo(1);
    }

    @Test
    void refusesPayloadsOfTheWrongShapeNamingTheField() throws Exception {
        JsonNode token = JSON.readTree(
                exchange(sign(fcm.serviceAccount(), fcm.tokenUri().toString(), FcmDouble.SCOPE, clock.instant()))
                        .body());
        String accessToken = token.path("access_token").asText();

        HttpResponse<String> dataNotStrings = send(accessToken, "{\"message\":{\"token\":\"d\",\"data\":{\"n\":1}}}");
        HttpResponse<String> noToken = send(accessToken, "{\"message\":{\"notification\":{\"title\":\"t\"}}}");
        HttpResponse<String> noBearer = send("forged", "{\"message\":{\"token\":\"d\"}}");

        assertThat(dataNotStrings.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(dataNotStrings.body())
                        .at("/error/details/1/fieldViolations/0/field")
                        .asText())
                .isEqualTo("message.data.n");
        assertThat(noToken.statusCode()).isEqualTo(400);
        assertThat(noBearer.statusCode()).isEqualTo(401);
        assertThat(fcm.refusals()).hasSize(3);
        assertThat(fcm.messages()).isEmpty();

        clock.advance(Duration.ofHours(1));
        assertThat(send(accessToken, "{\"message\":{\"token\":\"d\"}}").statusCode())
                .isEqualTo(401);
    }

    private String refusal(String assertion) throws Exception {
        HttpResponse<String> response = exchange(assertion);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).path("error").asText()).isEqualTo("invalid_grant");
        return JSON.readTree(response.body()).path("error_description").asText();
    }

    private HttpResponse<String> exchange(String assertion) throws Exception {
        String form =
                "grant_type=" + URLEncoder.encode("urn:ietf:params:oauth:grant-type:jwt-bearer", StandardCharsets.UTF_8)
                        + "&assertion=" + assertion;
        return http.send(
                HttpRequest.newBuilder(fcm.tokenUri())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String accessToken, String body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(fcm.endpoint() + "/v1/projects/nova-test/messages:send"))
                        .header("Authorization", "Bearer " + accessToken)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sign(TestServiceAccount account, String audience, String scope, Instant issued)
            throws Exception {
        SignedJWT jwt = new SignedJWT(
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID(account.privateKeyId())
                        .build(),
                new JWTClaimsSet.Builder()
                        .issuer(account.clientEmail())
                        .audience(audience)
                        .claim("scope", scope)
                        .issueTime(Date.from(issued))
                        .expirationTime(Date.from(issued.plusSeconds(3600)))
                        .build());
        jwt.sign(new RSASSASigner(account.privateKey()));
        return jwt.serialize();
    }
}
