package social.nova.feed;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;

/**
 * Opaque offset cursors for lists that are ranked, not ordered by time (the service kit's
 * {@link Paging} pages keyset lists by (time, id)). A cursor names its list (scope: the RPC, the
 * other request fields and, for the feed, the caller), a snapshot (the feed's snapshot id in
 * Redis; "-" for lists without one), the offset of the next page and when it was issued. A
 * malformed, foreign or expired cursor is a violation on {@code page.cursor}; limits follow
 * nova.common.v1.PageRequest (1..100, 0 means 20) as in {@link Paging}.
 */
final class Cursors {
    static final String NO_SNAPSHOT = "-";
    private static final String VERSION = "o1";
    private static final String SEPARATOR = "|";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Duration ttl;
    private final Clock clock;

    /** Where the next page starts: {@code offset} items into {@code snapshot}. */
    record Position(String snapshot, int offset) {
    }

    /** A validated page request; {@code after} is null for the first page. */
    record Query(int limit, Position after) {
    }

    Cursors(Duration ttl, Clock clock) {
        this.ttl = ttl;
        this.clock = clock;
    }

    /** The page asked for, or null after recording violations of {@code page.limit} / {@code page.cursor}. */
    Query read(int limit, String cursor, String scope, Violations violations) {
        boolean valid = true;
        if (limit < 0 || limit > Paging.MAX_LIMIT) {
            violations.add("page.limit", "must be 1.." + Paging.MAX_LIMIT + " (0 means " + Paging.DEFAULT_LIMIT + ")");
            valid = false;
        }
        Position after = null;
        if (cursor != null && !cursor.isEmpty()) {
            after = decode(cursor, scope, violations);
            valid &= after != null;
        }
        return valid ? new Query(limit == 0 ? Paging.DEFAULT_LIMIT : limit, after) : null;
    }

    String encode(String scope, String snapshot, int offset) {
        String text = String.join(SEPARATOR, VERSION, scope, snapshot, Integer.toString(offset),
                Long.toString(clock.instant().getEpochSecond()));
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Position decode(String cursor, String scope, Violations violations) {
        String[] parts;
        try {
            parts = new String(DECODER.decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            return refuse(violations, "is not a cursor this service issued");
        }
        if (parts.length != 5 || !VERSION.equals(parts[0])
                || !(NO_SNAPSHOT.equals(parts[2]) || Ids.isUuid(parts[2]))) {
            return refuse(violations, "is not a cursor this service issued");
        }
        if (!scope.equals(parts[1])) {
            return refuse(violations, "belongs to another list (a cursor is valid only for the same RPC, fields and caller)");
        }
        try {
            int offset = Integer.parseInt(parts[3]);
            Instant issued = Instant.ofEpochSecond(Long.parseLong(parts[4]));
            if (offset < 0) {
                return refuse(violations, "is not a cursor this service issued");
            }
            if (clock.instant().isAfter(issued.plus(ttl))) {
                return refuse(violations, "has expired; start again from the first page");
            }
            return new Position(parts[2], offset);
        } catch (RuntimeException e) {
            return refuse(violations, "is not a cursor this service issued");
        }
    }

    private static Position refuse(Violations violations, String description) {
        violations.add("page.cursor", description);
        return null;
    }
}
