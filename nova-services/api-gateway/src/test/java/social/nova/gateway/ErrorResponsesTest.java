package social.nova.gateway;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorResponsesTest {

    @Test
    void protoFieldNamesBecomeTheNamesOfTheHttpApi() {
        assertThat(ErrorResponses.httpFieldName("display_name")).isEqualTo("displayName");
        assertThat(ErrorResponses.httpFieldName("refresh_token")).isEqualTo("refreshToken");
        assertThat(ErrorResponses.httpFieldName("email")).isEqualTo("email");
        assertThat(ErrorResponses.httpFieldName("user_id")).isEqualTo("id");
        assertThat(ErrorResponses.httpFieldName("post_id")).isEqualTo("id");
        assertThat(ErrorResponses.httpFieldName("page.limit")).isEqualTo("limit");
        assertThat(ErrorResponses.httpFieldName("page.cursor")).isEqualTo("cursor");
        assertThat(ErrorResponses.httpFieldName("totp_code")).isEqualTo("totp");
        assertThat(ErrorResponses.httpFieldName("conversation_id")).isEqualTo("id");
        assertThat(ErrorResponses.httpFieldName("participant_ids")).isEqualTo("participantIds");
        assertThat(ErrorResponses.httpFieldName("media_ids")).isEqualTo("mediaIds");
        assertThat(ErrorResponses.httpFieldName("media_ids[1]")).isEqualTo("mediaIds[1]");
        assertThat(ErrorResponses.httpFieldName("idempotency_key")).isEqualTo("idempotencyKey");
        assertThat(ErrorResponses.httpFieldName("message_id")).isEqualTo("messageId");
    }

    @Test
    void failuresThatAreNotTheCallersNameNoServiceAddressOrLibrary() {
        NovaException open = NovaException.from(Status.UNAVAILABLE
                .withDescription("circuit breaker for auth-service is OPEN; failing fast")
                .asRuntimeException());
        NovaException late = NovaException.from(Status.DEADLINE_EXCEEDED
                .withDescription("deadline exceeded after 4.9s. [remote_addr=user-service-1/172.18.0.5:8080]")
                .asRuntimeException());
        NovaException broken = NovaException.from(Status.INTERNAL
                .withDescription("Abrupt GOAWAY closed sent stream. HTTP/2 error code: PROTOCOL_ERROR")
                .asRuntimeException());

        assertThat(ErrorResponses.publicMessage(open)).isEqualTo("the service is temporarily unavailable; retry later");
        assertThat(ErrorResponses.publicMessage(late)).isEqualTo("the service took too long to answer; retry later");
        assertThat(ErrorResponses.publicMessage(broken)).isEqualTo("internal error");
    }

    @Test
    void aServicesOwnWordsForThePublicAreKept() {
        NovaException busy = NovaException.builder(ErrorCode.UNAVAILABLE, "too many sign-ins at once; retry shortly")
                .reason("OVERLOADED")
                .build();
        NovaException invalid = NovaException.invalidArgument("text must be 1..500 characters");

        assertThat(ErrorResponses.publicMessage(busy)).isEqualTo("too many sign-ins at once; retry shortly");
        assertThat(ErrorResponses.publicMessage(invalid)).isEqualTo("text must be 1..500 characters");
    }
}
