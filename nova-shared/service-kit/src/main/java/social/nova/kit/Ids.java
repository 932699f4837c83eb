package social.nova.kit;

import java.util.UUID;
import java.util.regex.Pattern;

import social.nova.errors.Violations;

/**
 * Ids in requests: canonical UUID text only ({@link UUID#fromString} also accepts "1-1-1-1-1",
 * which would let two spellings name one row). A bad id is a field violation, never an exception.
 */
public final class Ids {
    private static final Pattern UUID_TEXT =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private Ids() {}

    /** Whether {@code text} is a UUID in its canonical 8-4-4-4-12 hex form (either case). */
    public static boolean isUuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches();
    }

    /** The id, or null after recording the violation "must be a UUID" of {@code field}. */
    public static UUID parse(String text, String field, Violations violations) {
        if (isUuid(text)) {
            return UUID.fromString(text);
        }
        violations.add(field, "must be a UUID");
        return null;
    }
}
