package social.nova.user;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jdbi.v3.core.Handle;

/** SQL for {@code users.preferences}. */
final class PreferenceStore {
    private static final String COLUMNS =
            "language, timezone, notify_on_follow, notify_on_like, notify_on_message, allow_messages_from";

    Optional<Preferences> find(Handle handle, UUID userId) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM preferences WHERE user_id = :id")
                .bind("id", userId)
                .map((rs, ctx) -> new Preferences(
                        rs.getString("language"),
                        rs.getString("timezone"),
                        rs.getBoolean("notify_on_follow"),
                        rs.getBoolean("notify_on_like"),
                        rs.getBoolean("notify_on_message"),
                        MessagePolicy.valueOf(rs.getString("allow_messages_from"))))
                .findOne();
    }

    /** A user's notification switches, the defaults when the user never changed them; found: the profile exists. */
    record NotificationSettings(UUID userId, boolean found, boolean onFollow, boolean onLike, boolean onMessage) {}

    /** {@link NotificationSettings} of each of {@code ids}, in their order, in one statement. */
    List<NotificationSettings> notificationSettings(Handle handle, List<UUID> ids) {
        Preferences defaults = Preferences.DEFAULTS;
        return handle.createQuery("SELECT u.id, p.id IS NOT NULL AS found, "
                        + "COALESCE(pr.notify_on_follow, :follow) AS on_follow, "
                        + "COALESCE(pr.notify_on_like, :like) AS on_like, "
                        + "COALESCE(pr.notify_on_message, :message) AS on_message "
                        + "FROM unnest(:ids) WITH ORDINALITY AS u(id, position) "
                        + "LEFT JOIN profiles p ON p.id = u.id LEFT JOIN preferences pr ON pr.user_id = u.id "
                        + "ORDER BY u.position")
                .bindArray("ids", UUID.class, ids)
                .bind("follow", defaults.notifyOnFollow())
                .bind("like", defaults.notifyOnLike())
                .bind("message", defaults.notifyOnMessage())
                .map((rs, ctx) -> {
                    boolean found = rs.getBoolean("found");
                    return new NotificationSettings(
                            rs.getObject("id", UUID.class),
                            found,
                            found && rs.getBoolean("on_follow"),
                            found && rs.getBoolean("on_like"),
                            found && rs.getBoolean("on_message"));
                })
                .list();
    }

    /** Locks the user's row, creating it with the defaults first if it does not exist. */
    Preferences lock(Handle handle, UUID userId) {
        write(handle, userId, Preferences.DEFAULTS, "ON CONFLICT (user_id) DO NOTHING");
        handle.createQuery("SELECT 1 FROM preferences WHERE user_id = :id FOR UPDATE")
                .bind("id", userId)
                .mapTo(Integer.class)
                .one();
        return find(handle, userId).orElseThrow();
    }

    void save(Handle handle, UUID userId, Preferences preferences) {
        write(
                handle,
                userId,
                preferences,
                "ON CONFLICT (user_id) DO UPDATE SET language = excluded.language, "
                        + "timezone = excluded.timezone, notify_on_follow = excluded.notify_on_follow, "
                        + "notify_on_like = excluded.notify_on_like, notify_on_message = excluded.notify_on_message, "
                        + "allow_messages_from = excluded.allow_messages_from, updated_at = now()");
    }

    private static void write(Handle handle, UUID userId, Preferences preferences, String onConflict) {
        handle.createUpdate("INSERT INTO preferences (user_id, " + COLUMNS + ") VALUES (:id, :language, :timezone, "
                        + ":follow, :like, :message, :policy) " + onConflict)
                .bind("id", userId)
                .bind("language", preferences.language())
                .bind("timezone", preferences.timezone())
                .bind("follow", preferences.notifyOnFollow())
                .bind("like", preferences.notifyOnLike())
                .bind("message", preferences.notifyOnMessage())
                .bind("policy", preferences.allowMessagesFrom().name())
                .execute();
    }
}
