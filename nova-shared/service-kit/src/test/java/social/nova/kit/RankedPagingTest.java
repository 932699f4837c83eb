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

class RankedPagingTest {
    private static final Instant NOW = Instant.parse("2025-01-01T12:00:00Z");
    private static final String SCOPE = "SearchPosts:caller:creme brul";
    private final RankedPaging paging = new RankedPaging(Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void limitsFollowThePageRequestRules() {
        assertThat(read(0, "").limit()).isEqualTo(20);
        assertThat(read(100, null).limit()).isEqualTo(100);
        assertThat(violations(paging, 101, "", SCOPE)).containsExactly("page.limit");
        assertThat(violations(paging, -1, "", SCOPE)).containsExactly("page.limit");
    }

    @Test
    void aCursorRoundTripsTheExactScoreTimeAndIdWithoutShowingTheScope() {
        RankedPaging.Position position =
                new RankedPaging.Position(0.1f / 3, Instant.parse("2025-01-01T11:59:59.123456Z"), UUID.randomUUID());
        String cursor = paging.encode(SCOPE, position);
        assertThat(new String(java.util.Base64.getUrlDecoder().decode(cursor))).doesNotContain("creme");
        assertThat(read(10, cursor).after()).isEqualTo(position);
    }

    @Test
    void foreignMalformedAndExpiredCursorsAreRefused() {
        String cursor = paging.encode(SCOPE, new RankedPaging.Position(1f, NOW, UUID.randomUUID()));
        assertThat(violations(paging, 10, cursor, "SearchPosts:caller:creme brule"))
                .containsExactly("page.cursor");
        assertThat(violations(paging, 10, "not a cursor", SCOPE)).containsExactly("page.cursor");
        assertThat(violations(paging, 10, "Zm9vfGJhcg", SCOPE)).containsExactly("page.cursor");
        // A keyset cursor of the time-ordered lists is not one of these.
        String timeCursor = new Paging(Duration.ofHours(24), Clock.fixed(NOW, ZoneOffset.UTC))
                .encode(SCOPE, new Paging.Position(NOW, UUID.randomUUID()));
        assertThat(violations(paging, 10, timeCursor, SCOPE)).containsExactly("page.cursor");

        RankedPaging tomorrow =
                new RankedPaging(Duration.ofHours(24), Clock.fixed(NOW.plus(Duration.ofHours(25)), ZoneOffset.UTC));
        assertThat(violations(tomorrow, 10, cursor, SCOPE)).containsExactly("page.cursor");
    }

    @Test
    void aPageHasANextCursorOnlyWhenMoreRowsFollow() {
        RankedPaging.Query query = read(2, "");
        List<RankedPaging.Position> rows = List.of(position(3), position(2), position(1));
        var first = paging.page(rows, query, SCOPE, row -> row);
        assertThat(first.items()).containsExactly(position(3), position(2));
        assertThat(read(2, first.nextCursor()).after()).isEqualTo(position(2));
        assertThat(paging.page(rows.subList(0, 2), query, SCOPE, row -> row).nextCursor())
                .isNull();
    }

    private static RankedPaging.Position position(int rank) {
        return new RankedPaging.Position(rank / 10f, NOW.minusSeconds(rank), new UUID(0, rank));
    }

    private RankedPaging.Query read(int limit, String cursor) {
        Violations violations = new Violations();
        RankedPaging.Query query = paging.read(limit, cursor, SCOPE, violations);
        assertThat(violations.list()).isEmpty();
        return query;
    }

    private static List<String> violations(RankedPaging paging, int limit, String cursor, String scope) {
        Violations violations = new Violations();
        assertThat(paging.read(limit, cursor, scope, violations)).isNull();
        return violations.list().stream().map(FieldViolation::field).toList();
    }
}
