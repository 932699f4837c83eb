package social.nova.gateway;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Request bodies are read strictly, and every way they can be wrong says what is wrong. */
class JsonTest {
    private final Json json = new Json(64);

    record Body(String email, Integer count, Boolean flag) {}

    record Ids(List<String> ids) {}

    @Test
    void readsAWellFormedObject() {
        Body body = json.parse(bytes("{\"email\":\"a@b.c\",\"count\":3,\"flag\":true}"), Body.class);
        assertThat(body).isEqualTo(new Body("a@b.c", 3, true));
    }

    @Test
    void fieldsLeftOutOrNullAreNull() {
        assertThat(json.parse(bytes("{\"email\":null}"), Body.class)).isEqualTo(new Body(null, null, null));
    }

    @Test
    void malformedJsonNamesLineAndColumn() {
        NovaException error = failure("{\"email\": \"a\",\n }");
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).startsWith("malformed JSON: ").contains("line 2, column 2");
    }

    @Test
    void anUnknownFieldIsNamedWithTheFieldsThatExist() {
        NovaException error = failure("{\"email\":\"a\",\"nickname\":\"x\"}");
        assertThat(error.getMessage()).isEqualTo("unknown field 'nickname'; expected one of: count, email, flag");
        assertThat(error.violations()).containsExactly(FieldViolation.of("nickname", "is not a field of this request"));
    }

    @Test
    void aNumberIsNotAStringNorAStringANumber() {
        assertThat(failure("{\"email\":5}").violations())
                .containsExactly(FieldViolation.of("email", "must be a string"));
        assertThat(failure("{\"count\":\"5\"}").violations())
                .containsExactly(FieldViolation.of("count", "must be an integer"));
        assertThat(failure("{\"count\":\"\"}").violations())
                .containsExactly(FieldViolation.of("count", "must be an integer"));
        assertThat(failure("{\"count\":1.5}").violations())
                .containsExactly(FieldViolation.of("count", "must be an integer"));
        assertThat(failure("{\"flag\":1}").violations())
                .containsExactly(FieldViolation.of("flag", "must be true or false"));
        assertThat(failure("{\"email\":{\"x\":1}}").getMessage()).isEqualTo("field 'email' must be a string");
    }

    @Test
    void anArrayFieldTakesAnArrayOfStringsAndNothingElse() {
        assertThat(json.parse(bytes("{\"ids\":[\"a\",\"b\"]}"), Ids.class)).isEqualTo(new Ids(List.of("a", "b")));
        assertThat(idsFailure("{\"ids\":\"a\"}").violations())
                .containsExactly(FieldViolation.of("ids", "must be a JSON array"));
        assertThat(idsFailure("{\"ids\":[5]}").violations())
                .containsExactly(FieldViolation.of("ids[0]", "must be a string"));
    }

    @Test
    void theBodyMustBeOneJsonObject() {
        assertThat(failure("[1,2]").getMessage()).isEqualTo("request body must be a JSON object");
        assertThat(failure("\"text\"").getMessage()).isEqualTo("request body must be a JSON object");
        assertThat(failure("  \n").getMessage()).isEqualTo("request body is empty: expected a JSON object");
        assertThat(failure("{} {}").getMessage()).startsWith("malformed JSON: ");
        assertThat(failure("{\"email\":\"a\",\"email\":\"b\"}").getMessage()).contains("Duplicate field 'email'");
    }

    @Test
    void aBodyOverTheLimitIsRefusedBeforeParsing() {
        String big = "{\"email\":\"" + "x".repeat(60) + "\"}";
        assertThat(failure(big).getMessage()).isEqualTo("request body is larger than the limit of 64 bytes");
    }

    private NovaException failure(String body) {
        NovaException error = catchThrowableOfType(NovaException.class, () -> json.parse(bytes(body), Body.class));
        assertThat(error).as("parsing %s should fail", body).isNotNull();
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        return error;
    }

    private NovaException idsFailure(String body) {
        NovaException error = catchThrowableOfType(NovaException.class, () -> json.parse(bytes(body), Ids.class));
        assertThat(error).as("parsing %s should fail", body).isNotNull();
        return error;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
