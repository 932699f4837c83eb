package social.nova.feed;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import social.nova.errors.FieldViolation;
import social.nova.errors.Violations;
import social.nova.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class CursorsTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-06-01T12:00:00Z"));
    private final Cursors cursors = new Cursors(Duration.ofMinutes(30), clock);
    private final String snapshot = UUID.randomUUID().toString();

    @Test
    void aCursorLeadsBackToItsSnapshotAndOffset() {
        String cursor = cursors.encode("GetFeed:me", snapshot, 40);
        Violations violations = new Violations();
        Cursors.Query query = cursors.read(20, cursor, "GetFeed:me", violations);
        assertThat(violations.isEmpty()).isTrue();
        assertThat(query.limit()).isEqualTo(20);
        assertThat(query.after()).isEqualTo(new Cursors.Position(snapshot, 40));
    }

    @Test
    void aKeysetCursorCarriesTheFixedTimeAndTheLastItemToTheMicrosecond() {
        Cursors.Keyset keyset = new Cursors.Keyset(
                Instant.parse("2026-06-01T11:59:59.123456Z"),
                Instant.parse("2026-06-01T11:00:00.000001Z"),
                UUID.randomUUID());
        Violations violations = new Violations();
        Cursors.Query query = cursors.read(10, cursors.encode("GetFeed:me", keyset), "GetFeed:me", violations);
        assertThat(violations.isEmpty()).isTrue();
        assertThat(query.keyset()).isEqualTo(keyset);
        assertThat(query.after()).isNull();
        assertThat(query.first()).isFalse();

        assertThat(refusal(10, cursors.encode("GetFeed:someone-else", keyset), "GetFeed:me")
                        .getFirst()
                        .description())
                .contains("another list");
        String issued = cursors.encode("GetFeed:me", keyset);
        clock.advance(Duration.ofMinutes(31));
        assertThat(refusal(10, issued, "GetFeed:me").getFirst().description()).contains("expired");
    }

    @Test
    void limitZeroMeansTwentyAndTheFirstPageHasNoPosition() {
        Cursors.Query query = cursors.read(0, "", "GetFeed:me", new Violations());
        assertThat(query).isEqualTo(new Cursors.Query(20, null));
    }

    @Test
    void anotherCallersCursorIsRefused() {
        assertThat(refusal(100, cursors.encode("GetFeed:someone-else", snapshot, 20), "GetFeed:me"))
                .containsExactly(new FieldViolation(
                        "page.cursor",
                        "belongs to another list (a cursor is valid only for the same RPC, fields and caller)"));
    }

    @Test
    void anExpiredCursorIsRefused() {
        String cursor = cursors.encode("GetFeed:me", snapshot, 20);
        clock.advance(Duration.ofMinutes(31));
        assertThat(refusal(20, cursor, "GetFeed:me"))
                .containsExactly(new FieldViolation("page.cursor", "has expired; start again from the first page"));
    }

    @Test
    void garbageAndForgedCursorsAreRefused() {
        String forged = Base64.getUrlEncoder()
                .encodeToString(
                        ("o1|GetFeed:me|" + snapshot + "|-5|" + clock.instant().getEpochSecond())
                                .getBytes(StandardCharsets.UTF_8));
        for (String cursor : List.of("not a cursor!", "bm9wZQ", forged)) {
            assertThat(refusal(20, cursor, "GetFeed:me"))
                    .extracting(FieldViolation::field)
                    .containsExactly("page.cursor");
        }
    }

    @Test
    void limitsOutside0To100AreRefused() {
        assertThat(refusal(101, "", "GetFeed:me"))
                .extracting(FieldViolation::field)
                .containsExactly("page.limit");
        assertThat(refusal(-1, "x", "GetFeed:me"))
                .extracting(FieldViolation::field)
                .containsExactly("page.limit", "page.cursor");
    }

    private List<FieldViolation> refusal(int limit, String cursor, String scope) {
        Violations violations = new Violations();
        assertThat(cursors.read(limit, cursor, scope, violations)).isNull();
        return violations.list();
    }
}
