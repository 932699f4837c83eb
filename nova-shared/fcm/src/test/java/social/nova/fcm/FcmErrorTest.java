package social.nova.fcm;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** FCM's error shape and Retry-After, read as Google documents them; what a message may hold. */
class FcmErrorTest {
    @Test
    void unregisteredIsFcmsErrorCodeNotTheStatus() {
        FcmError error = FcmError.read(404, """
                {"error": {"code": 404, "message": "Requested entity was not found.", "status": "NOT_FOUND",
                  "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                               "errorCode": "UNREGISTERED"}]}}""");

        assertThat(error.unregistered()).isTrue();
        assertThat(error.code()).isEqualTo("UNREGISTERED");
        assertThat(error.toString()).isEqualTo("FCM answered 404 UNREGISTERED: Requested entity was not found.");
    }

    @Test
    void invalidArgumentCountsAgainstTheTokenOnlyWhenNoOtherFieldIsNamed() {
        String tokenRefused = """
                {"error": {"code": 400, "message": "The registration token is not a valid FCM registration token",
                  "status": "INVALID_ARGUMENT",
                  "details": [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                               "errorCode": "INVALID_ARGUMENT"}]}}""";
        String tokenNamed = """
                {"error": {"code": 400, "status": "INVALID_ARGUMENT", "details": [
                  {"@type": "type.googleapis.com/google.rpc.BadRequest",
                   "fieldViolations": [{"field": "message.token", "description": "Invalid registration token"}]}]}}""";
        String payloadRefused = """
                {"error": {"code": 400, "status": "INVALID_ARGUMENT", "details": [
                  {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": "INVALID_ARGUMENT"},
                  {"@type": "type.googleapis.com/google.rpc.BadRequest",
                   "fieldViolations": [{"field": "message.android.ttl", "description": "Invalid value"}]}]}}""";

        assertThat(FcmError.read(400, tokenRefused).invalidToken()).isTrue();
        assertThat(FcmError.read(400, tokenNamed).invalidToken()).isTrue();
        assertThat(FcmError.read(400, payloadRefused).invalidToken()).isFalse();
        assertThat(FcmError.read(400, payloadRefused).toString()).contains("message.android.ttl");
        assertThat(FcmError.read(400, "<html>Bad Request</html>").invalidToken())
                .isFalse();
        assertThat(FcmError.read(403, """
                        {"error": {"code": 403, "status": "PERMISSION_DENIED", "details": [
                          {"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError",
                           "errorCode": "SENDER_ID_MISMATCH"}]}}""").unregistered()).isFalse();
    }

    @Test
    void retryAfterIsSecondsOrAnHttpDate() {
        Instant now = Instant.parse("2026-03-01T10:00:00Z");
        String inNinetySeconds =
                DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(90).atOffset(ZoneOffset.UTC));

        assertThat(RetryAfter.parse(Optional.of("120"), now)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(Optional.of(inNinetySeconds), now)).contains(Duration.ofSeconds(90));
        assertThat(RetryAfter.parse(Optional.of("Sun, 01 Mar 2026 09:00:00 GMT"), now))
                .contains(Duration.ZERO);
        assertThat(RetryAfter.parse(Optional.of("soon"), now)).isEmpty();
        assertThat(RetryAfter.parse(Optional.empty(), now)).isEmpty();
    }

    @Test
    void aMessageRefusesDataKeysFcmReservesAndHidesItsToken() {
        assertThatThrownBy(() -> FcmMessage.to("device").withData(Map.of("from", "x")))
                .hasMessageContaining("'from' is reserved");
        assertThatThrownBy(() -> FcmMessage.to("device").withData(Map.of("google.sent_time", "1")))
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> FcmMessage.to(" ")).hasMessageContaining("device token");
        assertThat(FcmMessage.to("abcdefghijklmnop").toString())
                .contains("abcdefgh...")
                .doesNotContain("ijklmnop");
    }

    @Test
    void theRequestBodyIsFcmsMessage() {
        String body = new String(
                FcmClient.body(
                        FcmMessage.to("device").withNotification("T", "B").withData(Map.of("k", "v"))),
                java.nio.charset.StandardCharsets.UTF_8);

        assertThat(body)
                .isEqualTo("{\"message\":{\"token\":\"device\",\"notification\":{\"title\":\"T\",\"body\":\"B\"},"
                        + "\"data\":{\"k\":\"v\"}}}");
    }
}
