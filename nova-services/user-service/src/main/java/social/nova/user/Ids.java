package social.nova.user;

import java.util.UUID;
import java.util.regex.Pattern;

import social.nova.errors.Violations;

/** Ids in requests: canonical UUID text only ({@link UUID#fromString} also accepts "1-1-1-1-1"). */
final class Ids {
    private static final Pattern UUID_TEXT =
            Pattern.compile("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");

    private Ids() {
    }

    static boolean isUuid(String text) {
        return text != null && UUID_TEXT.matcher(text).matches();
    }

    /** The id, or null after recording a violation of {@code field}. */
    static UUID parse(String text, String field, Violations violations) {
        if (isUuid(text)) {
            return UUID.fromString(text);
        }
        violations.add(field, "must be a UUID");
        return null;
    }
}
