package social.nova.kit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.function.Function;

import social.nova.errors.Violations;

/**
 * {@link Paging}'s rules for lists ordered by relevance: the same {@code limit} rules and the same
 * refusals of malformed, foreign and expired cursors (violations on {@code page.limit} /
 * {@code page.cursor}), but the cursor carries the whole sort key of the last item: its score, a
 * time and an id (best first, then newest, then the id, all descending). A keyset cursor rather
 * than an offset, so that items added or removed between pages do not repeat or skip others.
 *
 * <p>The scope (RPC, query, caller, filters) can be long and personal, so the cursor carries only
 * its SHA-256 digest (truncated to 128 bits): a cursor of another query or caller is refused.
 * Scores are {@code float}s (PostgreSQL's {@code real}, what {@code ts_rank_cd} returns) and travel
 * as their exact bits, so that the next page compares against exactly the value the database gave.
 */
public final class RankedPaging {
    private static final String VERSION = "r1";
    private static final String SEPARATOR = "|";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final String NOT_OURS = "is not a cursor this service issued";

    private final Paging limits;
    private final Duration cursorTtl;
    private final Clock clock;

    /** Where a page starts: after the item with this sort key, or at the top. */
    public record Position(float score, Instant at, UUID id) {}

    /** A validated page request; {@code after} is null for the first page. */
    public record Query(int limit, Position after) {}

    /**
     * @param cursorTtl how long a cursor this service issues stays valid
     * @param clock     the time cursors are issued and checked at
     */
    public RankedPaging(Duration cursorTtl, Clock clock) {
        this.limits = new Paging(cursorTtl, clock);
        this.cursorTtl = cursorTtl;
        this.clock = clock;
    }

    /** The page asked for, or null after recording violations of {@code page.limit} / {@code page.cursor}. */
    public Query read(int limit, String cursor, String scope, Violations violations) {
        Paging.Query checked = limits.read(limit, "", scope, violations);
        Position after = null;
        boolean valid = checked != null;
        if (cursor != null && !cursor.isEmpty()) {
            after = decode(cursor, scope, violations);
            valid &= after != null;
        }
        return valid ? new Query(checked.limit(), after) : null;
    }

    /**
     * The page of {@code rows}, fetched with {@code query.limit() + 1} so that the extra row tells
     * whether another page follows.
     */
    public <T> Paging.Page<T> page(List<T> rows, Query query, String scope, Function<T, Position> position) {
        if (rows.size() <= query.limit()) {
            return new Paging.Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, query.limit()));
        return new Paging.Page<>(items, encode(scope, position.apply(items.getLast())));
    }

    String encode(String scope, Position position) {
        String text = String.join(
                SEPARATOR,
                VERSION,
                digest(scope),
                Integer.toString(Float.floatToIntBits(position.score())),
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
            violations.add("page.cursor", NOT_OURS);
            return null;
        }
        if (parts.length != 7 || !VERSION.equals(parts[0]) || !Ids.isUuid(parts[5])) {
            violations.add("page.cursor", NOT_OURS);
            return null;
        }
        if (!digest(scope).equals(parts[1])) {
            violations.add(
                    "page.cursor", "belongs to another list (a cursor is valid only for the same RPC and fields)");
            return null;
        }
        try {
            float score = Float.intBitsToFloat(Integer.parseInt(parts[2]));
            Instant at = Instant.ofEpochSecond(Long.parseLong(parts[3]), Integer.parseInt(parts[4]));
            Instant issued = Instant.ofEpochSecond(Long.parseLong(parts[6]));
            if (Float.isNaN(score)) {
                violations.add("page.cursor", NOT_OURS);
                return null;
            }
            if (clock.instant().isAfter(issued.plus(cursorTtl))) {
                violations.add("page.cursor", "has expired; start again from the first page");
                return null;
            }
            return new Position(score, at, UUID.fromString(parts[5]));
        } catch (RuntimeException e) {
            violations.add("page.cursor", NOT_OURS);
            return null;
        }
    }

    private static String digest(String scope) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(scope.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(java.util.Arrays.copyOf(hash, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
