package social.nova.gateway;

import org.junit.jupiter.api.Test;

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
    }
}
