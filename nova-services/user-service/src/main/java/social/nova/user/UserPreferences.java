package social.nova.user;

import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Jdbi;
import social.nova.errors.Violations;
import social.nova.kit.Ids;

/** Each user's preferences: the defaults until changed, then partial updates named by a field mask. */
final class UserPreferences {
    static final String LANGUAGE = "language";
    static final String TIMEZONE = "timezone";
    static final String NOTIFY_ON_FOLLOW = "notify_on_follow";
    static final String NOTIFY_ON_LIKE = "notify_on_like";
    static final String NOTIFY_ON_MESSAGE = "notify_on_message";
    static final String ALLOW_MESSAGES_FROM = "allow_messages_from";
    private static final Set<String> FIELDS =
            Set.of(LANGUAGE, TIMEZONE, NOTIFY_ON_FOLLOW, NOTIFY_ON_LIKE, NOTIFY_ON_MESSAGE, ALLOW_MESSAGES_FROM);
    /** Users one GetNotificationSettings call may name. */
    static final int MAX_NOTIFICATION_BATCH = 100;

    private static final String UNDETERMINED = "und";
    /** Unknown mask paths are echoed in the error up to this length. */
    private static final int MAX_ECHOED_PATH = 40;

    private final Jdbi jdbi;
    private final PreferenceStore store;

    /**
     * An update as received: the mask (proto field names) and the proposed values, of which only
     * the masked ones are read. {@code allowMessagesFrom} is the contract's enum number.
     */
    record Change(
            List<String> mask,
            String language,
            String timezone,
            boolean notifyOnFollow,
            boolean notifyOnLike,
            boolean notifyOnMessage,
            int allowMessagesFrom) {}

    UserPreferences(Jdbi jdbi, PreferenceStore store) {
        this.jdbi = jdbi;
        this.store = store;
    }

    Preferences get(UUID userId) {
        return jdbi.withHandle(handle -> store.find(handle, userId)).orElse(Preferences.DEFAULTS);
    }

    /**
     * The notification switches of 1..{@value #MAX_NOTIFICATION_BATCH} distinct users, in the
     * request's order (GetNotificationSettings).
     */
    List<PreferenceStore.NotificationSettings> notificationSettings(List<String> userIds) {
        Violations violations = new Violations();
        violations.require(
                !userIds.isEmpty() && userIds.size() <= MAX_NOTIFICATION_BATCH,
                "user_ids",
                "must name 1.." + MAX_NOTIFICATION_BATCH + " users");
        long invalid = userIds.stream().filter(id -> !Ids.isUuid(id)).count();
        violations.require(invalid == 0, "user_ids", "must all be UUIDs (" + invalid + " are not)");
        violations.throwIfAny();
        List<UUID> ids = userIds.stream().map(UUID::fromString).toList();
        violations.require(Set.copyOf(ids).size() == ids.size(), "user_ids", "must not name a user twice");
        violations.throwIfAny();
        return jdbi.withHandle(handle -> store.notificationSettings(handle, ids));
    }

    Preferences update(UUID userId, Change change) {
        Violations violations = new Violations();
        violations.require(!change.mask().isEmpty(), "update_mask", "must name at least one field of Preferences");
        for (String path : change.mask()) {
            violations.require(
                    FIELDS.contains(path),
                    "update_mask",
                    "'" + abbreviate(path) + "' is not a field of Preferences ("
                            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
        }
        Set<String> mask = Set.copyOf(change.mask());
        String language = mask.contains(LANGUAGE) ? languageTag(change.language()) : null;
        violations.require(
                !mask.contains(LANGUAGE) || language != null,
                "preferences.language",
                "must be a BCP 47 language tag such as en or pt-BR");
        violations.require(
                !mask.contains(TIMEZONE) || ZoneId.getAvailableZoneIds().contains(change.timezone()),
                "preferences.timezone",
                "must be an IANA time zone id such as Europe/Lisbon");
        MessagePolicy policy = MessagePolicy.ofNumber(change.allowMessagesFrom());
        violations.require(
                !mask.contains(ALLOW_MESSAGES_FROM) || policy != null,
                "preferences.allow_messages_from",
                "must be a MessagePolicy value");
        violations.throwIfAny();

        return jdbi.inTransaction(handle -> {
            Preferences current = store.lock(handle, userId);
            Preferences updated = new Preferences(
                    mask.contains(LANGUAGE) ? language : current.language(),
                    mask.contains(TIMEZONE) ? change.timezone() : current.timezone(),
                    mask.contains(NOTIFY_ON_FOLLOW) ? change.notifyOnFollow() : current.notifyOnFollow(),
                    mask.contains(NOTIFY_ON_LIKE) ? change.notifyOnLike() : current.notifyOnLike(),
                    mask.contains(NOTIFY_ON_MESSAGE) ? change.notifyOnMessage() : current.notifyOnMessage(),
                    mask.contains(ALLOW_MESSAGES_FROM) ? policy : current.allowMessagesFrom());
            store.save(handle, userId, updated);
            return updated;
        });
    }

    /** The well-formed BCP 47 form of {@code tag}, or null ({@link Locale#forLanguageTag} drops what is ill-formed). */
    static String languageTag(String tag) {
        if (tag == null || tag.isBlank()) {
            return null;
        }
        String normalized = Locale.forLanguageTag(tag).toLanguageTag();
        return UNDETERMINED.equals(normalized) || !normalized.equalsIgnoreCase(tag) ? null : normalized;
    }

    private static String abbreviate(String text) {
        return text.length() <= MAX_ECHOED_PATH ? text : text.substring(0, MAX_ECHOED_PATH) + "...";
    }
}
