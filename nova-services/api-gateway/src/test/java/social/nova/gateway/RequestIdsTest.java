package social.nova.gateway;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RequestIdsTest {

    @Test
    void keepsASensibleClientIdAndReplacesAnythingElse() {
        assertThat(RequestIds.accept("req-42.a:b_c")).isEqualTo("req-42.a:b_c");
        assertThat(RequestIds.accept("  padded  ")).isEqualTo("padded");
        for (String bad : new String[] {null, "", "has space", "x".repeat(129), "new\nline", "ünïcode"}) {
            assertThat(RequestIds.accept(bad))
                    .as("for %s", bad)
                    .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
        }
        assertThat(RequestIds.accept(null)).isNotEqualTo(RequestIds.accept(null));
    }
}
