package social.nova.user;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** SQL for {@code users.profiles}. Every method runs on the caller's handle (and transaction). */
final class ProfileStore {
    static final String COLUMNS =
            "p.id, p.username, p.display_name, p.bio, p.follower_count, p.following_count, p.created_at, "
                    + "p.email_verified";

    /** Marks the user's address verified; false when there is no such profile (yet). */
    boolean markEmailVerified(Handle handle, UUID id) {
        return handle.createUpdate("UPDATE profiles SET email_verified = true WHERE id = :id")
                        .bind("id", id)
                        .execute()
                == 1;
    }

    /** Inserts the profile unless its id (or username) exists; true if it was inserted. */
    boolean insertIfAbsent(Handle handle, Profile profile) {
        return handle.createUpdate(
                                "INSERT INTO profiles (id, username, display_name, created_at, email_verified) "
                                        + "VALUES (:id, :username, :displayName, :createdAt, :emailVerified) ON CONFLICT DO NOTHING")
                        .bind("id", profile.id())
                        .bind("emailVerified", profile.emailVerified())
                        .bind("username", profile.username())
                        .bind("displayName", profile.displayName())
                        .bind("createdAt", Timestamp.from(profile.createdAt()))
                        .execute()
                == 1;
    }

    Optional<Profile> byId(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM profiles p WHERE p.id = :id")
                .bind("id", id)
                .map(ProfileStore::profile)
                .findOne();
    }

    Optional<UUID> idByUsername(Handle handle, String username) {
        return handle.createQuery("SELECT id FROM profiles WHERE username = :username")
                .bind("username", username)
                .mapTo(UUID.class)
                .findOne();
    }

    /** The profiles among {@code ids} that exist and do not block {@code viewer}, in no particular order. */
    List<Profile> visibleByIds(Handle handle, List<UUID> ids, UUID viewer) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM profiles p WHERE p.id = ANY(:ids) "
                        + "AND NOT EXISTS (SELECT 1 FROM blocks b "
                        + "WHERE b.blocker_id = p.id AND b.blocked_id = :viewer)")
                .bindArray("ids", UUID.class, ids)
                .bind("viewer", viewer)
                .map(ProfileStore::profile)
                .list();
    }

    /** The profile, its row locked until the transaction ends; empty if there is none. */
    Optional<Profile> lock(Handle handle, UUID id) {
        return handle.createQuery("SELECT " + COLUMNS + " FROM profiles p WHERE p.id = :id FOR UPDATE")
                .bind("id", id)
                .map(ProfileStore::profile)
                .findOne();
    }

    /** Changes the fields that are not null; empty if there is no such profile. */
    Optional<Profile> update(Handle handle, UUID id, String displayName, String bio) {
        return handle.createQuery("UPDATE profiles p SET display_name = coalesce(:displayName, display_name), "
                        + "bio = coalesce(:bio, bio), updated_at = now() "
                        + "WHERE p.id = :id RETURNING " + COLUMNS)
                .bind("id", id)
                .bind("displayName", displayName)
                .bind("bio", bio)
                .map(ProfileStore::profile)
                .findOne();
    }

    /**
     * Locks the rows of both users, always in id order so that two transactions on the same pair
     * cannot deadlock, and answers which of them exist. Follow, unfollow and block take this lock
     * first: it serialises them per pair (a follow cannot slip past a concurrent block) and
     * protects the counters they change.
     */
    Set<UUID> lockPair(Handle handle, UUID first, UUID second) {
        return Set.copyOf(
                handle.createQuery("SELECT id FROM profiles WHERE id IN (:first, :second) " + "ORDER BY id FOR UPDATE")
                        .bind("first", first)
                        .bind("second", second)
                        .mapTo(UUID.class)
                        .list());
    }

    /** Adds {@code delta} to the follower's following_count and the followee's follower_count. */
    void adjustFollowCounts(Handle handle, UUID follower, UUID followee, int delta) {
        handle.createUpdate("UPDATE profiles SET following_count = following_count + :delta WHERE id = :id")
                .bind("id", follower)
                .bind("delta", delta)
                .execute();
        handle.createUpdate("UPDATE profiles SET follower_count = follower_count + :delta WHERE id = :id")
                .bind("id", followee)
                .bind("delta", delta)
                .execute();
    }

    static Profile profile(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Profile(
                rs.getObject("id", UUID.class),
                rs.getString("username"),
                rs.getString("display_name"),
                rs.getString("bio"),
                rs.getLong("follower_count"),
                rs.getLong("following_count"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getBoolean("email_verified"));
    }
}
