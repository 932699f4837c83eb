package social.nova.kit;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import social.nova.errors.FieldViolation;
import social.nova.errors.Violations;

import static org.assertj.core.api.Assertions.assertThat;

class IdsTest {

    @Test
    void onlyTheCanonicalSpellingOfAUuidIsAnId() {
        UUID id = UUID.randomUUID();
        assertThat(Ids.isUuid(id.toString())).isTrue();
        assertThat(Ids.isUuid(id.toString().toUpperCase())).isTrue();
        for (String other : new String[] {
            null, "", "1-1-1-1-1", "{" + id + "}", id + " ", id.toString().replace("-", "")
        }) {
            assertThat(Ids.isUuid(other)).as("%s", other).isFalse();
        }
    }

    @Test
    void aBadIdIsAViolationOfItsField() {
        Violations violations = new Violations();
        UUID id = UUID.randomUUID();
        assertThat(Ids.parse(id.toString(), "user_id", violations)).isEqualTo(id);
        assertThat(violations.list()).isEmpty();

        assertThat(Ids.parse("1-1-1-1-1", "post_id", violations)).isNull();
        assertThat(violations.list()).containsExactly(FieldViolation.of("post_id", "must be a UUID"));
    }
}
