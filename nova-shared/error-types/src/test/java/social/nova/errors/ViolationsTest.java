package social.nova.errors;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ViolationsTest {

    @Test
    void throwsOnceWithEveryViolationInOrder() {
        Violations v = new Violations();
        v.require("ada.example.org".contains("@"), "email", "must be an email address");
        v.require(true, "handle", "must be set");
        v.requireNonBlank(" ", "displayName");

        NovaException e = catchThrowableOfType(NovaException.class, v::throwIfAny);

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.violations())
                .containsExactly(
                        new FieldViolation("email", "must be an email address"),
                        new FieldViolation("displayName", "must not be blank"));
        assertThat(e.getMessage())
                .isEqualTo("invalid argument: email must be an email address; displayName must not be blank");
    }

    @Test
    void doesNotThrowWithoutViolations() {
        Violations v = new Violations()
                .require(true, "email", "must be an email address")
                .requireNonBlank("x", "name");

        assertThat(v.isEmpty()).isTrue();
        assertThatCode(v::throwIfAny).doesNotThrowAnyException();
    }

    @Test
    void nullCountsAsBlank() {
        assertThat(new Violations().requireNonBlank(null, "name").list())
                .containsExactly(FieldViolation.of("name", "must not be blank"));
    }
}
