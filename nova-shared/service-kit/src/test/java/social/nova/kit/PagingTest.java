package social.nova.kit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import social.nova.errors.FieldViolation;
import social.nova.errors.Violations;

import static org.assertj.core.api.Assertions.assertThat;

class PagingTest {
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final String SCOPE = "ListFollowers:abc";
    private final Paging paging = new Paging(Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void limitZeroMeansTwentyAndOneToOneHundredAreAccepted() {
        assertThat(read(0, "").limit()).isEqualTo(20);
        assertThat(read(1, "").limit()).isEqualTo(1);
        assertThat(read(100, null).limit()).isEqualTo(100);
        assertThat(read(1, "").after()).isNull();
        assertThat(violations(101, "")).containsExactly("page.limit");
        assertThat(violations(-1, "")).containsExactly("page.limit");
    }

    @Test
    void aCursorRoundTripsItsPositionExactly() {
        Paging.Position position = new Paging.Position(Instant.parse("2025-01-01T11:59:59.123456Z"), UUID.randomUUID());
        String cursor = paging.encode(SCOPE, position);
        assertThat(cursor).doesNotContain(position.id().toString()).doesNotContain("=");
        assertThat(read(10, cursor).after()).isEqualTo(position);
    }

    @Test
    void foreignMalformedAndExpiredCursorsAreRefused() {
        String cursor = paging.encode(SCOPE, new Paging.Position(NOW, UUID.randomUUID()));
        assertThat(violations(new Violations(), paging, 10, cursor, "ListFollowing:abc"))
                .containsExactly("page.cursor");
        assertThat(violations(10, "not a cursor")).containsExactly("page.cursor");
        assertThat(violations(10, "Zm9vfGJhcg")).containsExactly("page.cursor"); // "foo|bar"

        Paging tomorrow = new Paging(Duration.ofHours(24), Clock.fixed(NOW.plus(Duration.ofHours(25)), ZoneOffset.UTC));
        assertThat(violations(new Violations(), tomorrow, 10, cursor, SCOPE)).containsExactly("page.cursor");
    }

    @Test
    void aPageHasANextCursorOnlyWhenMoreRowsFollow() {
        Paging.Query query = read(2, "");
        List<Paging.Position> rows = List.of(position(3), position(2), position(1));
        Paging.Page<Paging.Position> first = paging.page(rows, query, SCOPE, row -> row);
        assertThat(first.items()).containsExactly(position(3), position(2));
        assertThat(read(2, first.nextCursor()).after()).isEqualTo(position(2));

        Paging.Page<Paging.Position> last = paging.page(rows.subList(0, 2), query, SCOPE, row -> row);
        assertThat(last.items()).hasSize(2);
        assertThat(last.nextCursor()).isNull();
    }

    private static Paging.Position position(int second) {
        return new Paging.Position(NOW.minusSeconds(second), new UUID(0, second));
    }

    private Paging.Query read(int limit, String cursor) {
        Violations violations = new Violations();
        Paging.Query query = paging.read(limit, cursor, SCOPE, violations);
        assertThat(violations.list()).isEmpty();
        return query;
    }

    private List<String> violations(int limit, String cursor) {
        return violations(new Violations(), paging, limit, cursor, SCOPE);
    }

    private static List<String> violations(
            Violations violations, Paging paging, int limit, String cursor, String scope) {
        assertThat(paging.read(limit, cursor, scope, violations)).isNull();
        return violations.list().stream().map(FieldViolation::field).toList();
    }
}
