package social.nova.kit;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import social.nova.errors.Violations;

/**
 * The paging rules of nova.common.v1.PageRequest: {@code limit} 1..100 (0 means 20) and opaque
 * keyset cursors. A cursor names the list it belongs to (its scope: RPC and other request
 * fields), the position after which the next page starts (a time and an id, the list's order),
 * and when it was issued; a cursor of another list, a malformed one or an expired one is refused
 * with a violation on {@code page.cursor}.
 *
 * <p>The kit does not know the contracts: an endpoint passes the request's values
 * ({@code request.getPage().getLimit(), request.getPage().getCursor()}) and sets the answer's
 * {@code next_cursor} from {@link Page#nextCursor()} ("" when null).
 */
public final class Paging {
    /** The page size when the request asks for none (limit 0). */
    public static final int DEFAULT_LIMIT = 20;
    /** The largest page a request may ask for. */
    public static final int MAX_LIMIT = 100;
    /** How long a cursor stays valid unless the service configures otherwise. */
    public static final Duration DEFAULT_CURSOR_TTL = Duration.ofHours(24);

    private static final String VERSION = "c1";
    private static final String SEPARATOR = "|";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final Duration cursorTtl;
    private final Clock clock;

    /** Where a page starts: after the item at (time, id) in newest-first order, or at the top. */
    public record Position(Instant at, UUID id) {}

    /** A validated page request; {@code after} is null for the first page. */
    public record Query(int limit, Position after) {}

    /** One page of a list and the cursor of the next (null on the last page). */
    public record Page<T>(List<T> items, String nextCursor) {}

    /**
     * @param cursorTtl how long a cursor this service issues stays valid
     * @param clock     the time cursors are issued and checked at
     */
    public Paging(Duration cursorTtl, Clock clock) {
        this.cursorTtl = cursorTtl;
        this.clock = clock;
    }

    /** The page asked for, or null after recording violations of {@code page.limit} / {@code page.cursor}. */
    public Query read(int limit, String cursor, String scope, Violations violations) {
        boolean valid = true;
        if (limit < 0 || limit > MAX_LIMIT) {
            violations.add("page.limit", "must be 1.." + MAX_LIMIT + " (0 means " + DEFAULT_LIMIT + ")");
            valid = false;
        }
        Position after = null;
        if (cursor != null && !cursor.isEmpty()) {
            after = decode(cursor, scope, violations);
            valid &= after != null;
        }
        return valid ? new Query(limit == 0 ? DEFAULT_LIMIT : limit, after) : null;
    }

    /**
     * The page of {@code rows}, fetched with {@code query.limit() + 1} so that the extra row tells
     * whether another page follows.
     */
    public <T> Page<T> page(List<T> rows, Query query, String scope, Function<T, Position> position) {
        if (rows.size() <= query.limit()) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, query.limit()));
        return new Page<>(items, encode(scope, position.apply(items.getLast())));
    }

    String encode(String scope, Position position) {
        String text = String.join(
                SEPARATOR,
                VERSION,
                scope,
                Long.toString(position.at().getEpochSecond()),
                Integer.toString(position.at().getNano()),
                position.id().toString(),
                Long.toString(clock.instant().getEpochSecond()));
        return ENCODER.encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private Position decode(String cursor, String scope, Violations violations) {
        String[] parts;
        try {
            parts = new String(DECODER.decode(cursor), StandardCharsets.UTF_8).split("\\|", -1);
        } catch (IllegalArgumentException e) {
            violations.add("page.cursor", "is not a cursor this service issued");
            return null;
        }
        if (parts.length != 6 || !VERSION.equals(parts[0]) || !Ids.isUuid(parts[4])) {
            violations.add("page.cursor", "is not a cursor this service issued");
            return null;
        }
        if (!scope.equals(parts[1])) {
            violations.add(
                    "page.cursor", "belongs to another list (a cursor is valid only for the same RPC and fields)");
            return null;
        }
        try {
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[2]), Integer.parseInt(parts[3]));
            Instant issued = Instant.ofEpochSecond(Long.parseLong(parts[5]));
            if (clock.instant().isAfter(issued.plus(cursorTtl))) {
                violations.add("page.cursor", "has expired; start again from the first page");
                return null;
            }
            return new Position(at, UUID.fromString(parts[4]));
        } catch (RuntimeException e) {
            violations.add("page.cursor", "is not a cursor this service issued");
            return null;
        }
    }
}
