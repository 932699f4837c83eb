package social.nova.feed;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.UUID;

import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;

/**
 * Opaque cursors of feed-service's lists: offset cursors for lists that are ranked, not ordered
 * by time (the engagement-ranked feed's snapshot, trending, experiments), and keyset cursors for
 * the chronological feed, which carry the time its first page fixed (the service kit's
 * {@link Paging} pages keyset lists by (time, id) but has no such fixed time). A cursor names its list (scope: the RPC, the
 * other request fields and, for the feed, the caller), a snapshot (the feed's snapshot id in
 * Redis; "-" for lists without one), the offset of the next page and when it was issued. A
 * malformed, foreign or expired cursor is a violation on {@code page.cursor}; limits follow
 * nova.common.v1.PageRequest (1..100, 0 means 20) as in {@link Paging}.
 */
final class Cursors {
    static final String NO_SNAPSHOT = "-";
    private static final String VERSION = "o1";
    private static final String KEYSET_VERSION = "k1";
    private static final String SEPARATOR = "|";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Duration ttl;
    private final Clock clock;

    /** Where the next page starts: {@code offset} items into {@code snapshot}. */
    record Position(String snapshot, int offset) {}

    /**
     * Where the next page of a newest-first list fixed at {@code asOf} starts: after the item
     * created at {@code createdAt} with id {@code id} (the chronological feed needs no stored
     * snapshot: what was there at {@code asOf} is still there, in the same order).
     */
    record Keyset(Instant asOf, Instant createdAt, UUID id) {}

    /** A validated page request; {@code after} and {@code keyset} are null for the first page, one is set after. */
    record Query(int limit, Position after, Keyset keyset) {
        Query(int limit, Position after) {
            this(limit, after, null);
        }

        boolean first() {
            return after == null && keyset == null;
        }
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
        Keyset keyset = null;
        if (cursor != null && !cursor.isEmpty()) {
            String[] parts = parts(cursor);
            if (parts != null && parts.length == 6 && KEYSET_VERSION.equals(parts[0])) {
                keyset = decodeKeyset(parts, scope, violations);
                valid &= keyset != null;
            } else {
                after = decode(parts, scope, violations);
                valid &= after != null;
            }
        }
        return valid ? new Query(limit == 0 ? Paging.DEFAULT_LIMIT : limit, after, keyset) : null;
    }

    String encode(String scope, Keyset keyset) {
        String text = String.join(
                SEPARATOR,
                KEYSET_VERSION,
                scope,
                micros(keyset.asOf()),
                micros(keyset.createdAt()),
                keyset.id().toString(),
                Long.toString(clock.instant().getEpochSecond()));
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Keyset decodeKeyset(String[] parts, String scope, Violations violations) {
        if (!scope.equals(parts[1])) {
            return refuse(
                    violations, "belongs to another list (a cursor is valid only for the same RPC, fields and caller)");
        }
        if (!Ids.isUuid(parts[4])) {
            return refuse(violations, "is not a cursor this service issued");
        }
        try {
            Keyset keyset = new Keyset(instant(parts[2]), instant(parts[3]), UUID.fromString(parts[4]));
            if (clock.instant()
                    .isAfter(Instant.ofEpochSecond(Long.parseLong(parts[5])).plus(ttl))) {
                return refuse(violations, "has expired; start again from the first page");
            }
            return keyset;
        } catch (RuntimeException e) {
            return refuse(violations, "is not a cursor this service issued");
        }
    }

    private static String micros(Instant instant) {
        return Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, instant));
    }

    private static Instant instant(String micros) {
        return Instant.EPOCH.plus(Long.parseLong(micros), ChronoUnit.MICROS);
    }

    /** The cursor's fields, or null when it is not even base64url text. */
    private static String[] parts(String cursor) {
        try {
            return new String(DECODER.decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    String encode(String scope, String snapshot, int offset) {
        String text = String.join(
                SEPARATOR,
                VERSION,
                scope,
                snapshot,
                Integer.toString(offset),
                Long.toString(clock.instant().getEpochSecond()));
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Position decode(String[] parts, String scope, Violations violations) {
        if (parts == null
                || parts.length != 5
                || !VERSION.equals(parts[0])
                || !(NO_SNAPSHOT.equals(parts[2]) || Ids.isUuid(parts[2]))) {
            return refuse(violations, "is not a cursor this service issued");
        }
        if (!scope.equals(parts[1])) {
            return refuse(
                    violations, "belongs to another list (a cursor is valid only for the same RPC, fields and caller)");
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

    private static <T> T refuse(Violations violations, String description) {
        violations.add("page.cursor", description);
        return null;
    }
}
