package social.nova.user;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Jdbi;
import social.nova.db.Outbox;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.redis.Cache;

/**
 * Profiles: created from auth-service's registrations, read by id (cache-aside in Redis), in
 * batches and by username, and edited by their owner. A user who blocks the caller does not
 * exist for the caller.
 */
final class Profiles {
    static final int MAX_BATCH = 100;
    static final int MAX_DISPLAY_NAME = 50;
    static final int MAX_BIO = 160;
    private static final Pattern USERNAME = Pattern.compile("^[a-z0-9_]{3,30}$");
    private static final String CACHE_KEY = "profile:";
    private static final ProfileCodec CODEC = new ProfileCodec();
    private static final System.Logger LOG = System.getLogger(Profiles.class.getName());

    private final Jdbi jdbi;
    private final ProfileStore profiles;
    private final GraphStore graph;
    private final Cache cache;
    private final Duration cacheTtl;
    private final Clock clock;

    Profiles(Jdbi jdbi, ProfileStore profiles, GraphStore graph, Cache cache, Duration cacheTtl, Clock clock) {
        this.jdbi = jdbi;
        this.profiles = profiles;
        this.graph = graph;
        this.cache = cache;
        this.cacheTtl = cacheTtl;
        this.clock = clock;
    }

    /**
     * Creates the profile of a newly registered user. Idempotent: when the profile exists (a
     * replayed event) nothing changes, edits made since included. True if it was created.
     */
    boolean createFromRegistration(Profile registered) {
        boolean created = jdbi.withHandle(handle -> profiles.insertIfAbsent(handle, registered));
        if (!created
                && jdbi.withHandle(handle -> profiles.byId(handle, registered.id()))
                        .isEmpty()) {
            // auth-service keeps usernames unique, so this means the two services disagree.
            LOG.log(
                    System.Logger.Level.WARNING,
                    "no profile for user {0}: username {1} belongs to another profile",
                    registered.id(),
                    registered.username());
        }
        return created;
    }

    ProfileView get(UUID caller, String userId) {
        Violations violations = new Violations();
        UUID id = Ids.parse(userId, "user_id", violations);
        violations.throwIfAny();
        return visible(caller, id);
    }

    /** The profiles of up to 100 ids in the order asked for; unknown ids and users blocking the caller are absent. */
    List<ProfileView> getMany(UUID caller, List<String> userIds) {
        Violations violations = new Violations();
        violations.require(
                !userIds.isEmpty() && userIds.size() <= MAX_BATCH, "user_ids", "must name 1.." + MAX_BATCH + " users");
        List<String> invalid = userIds.stream().filter(id -> !Ids.isUuid(id)).toList();
        violations.require(invalid.isEmpty(), "user_ids", "must all be UUIDs (" + invalid.size() + " are not)");
        violations.throwIfAny();

        List<UUID> ids = List.copyOf(
                userIds.stream().map(UUID::fromString).collect(Collectors.toCollection(LinkedHashSet::new)));
        // One query for the batch: a cache lookup per id would cost a Redis round trip each.
        return jdbi.withHandle(handle -> {
            Map<UUID, Profile> found = profiles.visibleByIds(handle, ids, caller).stream()
                    .collect(Collectors.toMap(Profile::id, Function.identity()));
            Set<UUID> followed = graph.followedAmong(handle, caller, List.copyOf(found.keySet()));
            List<ProfileView> views = new ArrayList<>();
            for (UUID id : ids) {
                Profile profile = found.get(id);
                if (profile != null) {
                    views.add(new ProfileView(profile, followed.contains(id)));
                }
            }
            return views;
        });
    }

    ProfileView byUsername(UUID caller, String username) {
        String normalized = username == null ? "" : username.trim().toLowerCase(Locale.ROOT);
        new Violations()
                .require(
                        USERNAME.matcher(normalized).matches(),
                        "username",
                        "must be 3 to 30 characters of a-z, 0-9 and _")
                .throwIfAny();
        UUID id = jdbi.withHandle(handle -> profiles.idByUsername(handle, normalized))
                .orElseThrow(() -> UserErrors.userNotFound(normalized));
        return visible(caller, id);
    }

    /**
     * Changes the caller's display name and/or bio (null: unchanged; an empty bio clears it) and,
     * if a value actually changed, publishes {@code UserProfileUpdated} in the same transaction.
     */
    ProfileView update(UUID caller, String displayName, String bio) {
        String name = displayName == null ? null : displayName.trim();
        String text = bio == null ? null : bio.trim();
        Violations violations = new Violations();
        if (name == null && text == null) {
            violations.add("display_name", "set display_name, bio or both");
            violations.add("bio", "set display_name, bio or both");
        }
        violations.require(
                name == null || (!name.isEmpty() && codePoints(name) <= MAX_DISPLAY_NAME),
                "display_name",
                "must be 1 to " + MAX_DISPLAY_NAME + " characters");
        violations.require(
                text == null || codePoints(text) <= MAX_BIO, "bio", "must be at most " + MAX_BIO + " characters");
        violations.throwIfAny();

        Profile updated = jdbi.inTransaction(handle -> {
            Profile before = profiles.lock(handle, caller).orElseThrow(UserErrors::profileMissing);
            boolean changes = (name != null && !name.equals(before.displayName()))
                    || (text != null && !text.equals(before.bio()));
            if (!changes) {
                return before;
            }
            Profile after = profiles.update(handle, caller, name, text).orElseThrow(UserErrors::profileMissing);
            Outbox.append(handle, UserEvents.profileUpdated(after, clock.instant()));
            return after;
        });
        invalidate(caller);
        return new ProfileView(updated, false);
    }

    /** The profile as the caller may see it: NOT_FOUND if it does not exist or blocks the caller. */
    ProfileView visible(UUID caller, UUID id) {
        Profile profile = cached(id).orElseThrow(() -> UserErrors.userNotFound(id));
        if (caller.equals(id)) {
            return new ProfileView(profile, false);
        }
        GraphStore.Relation relation = jdbi.withHandle(handle -> graph.relation(handle, caller, id));
        if (relation.blocksCaller()) {
            throw UserErrors.userNotFound(id);
        }
        return new ProfileView(profile, relation.callerFollows());
    }

    /**
     * Marks the user's address verified (auth-service's EmailVerified). Throws while the profile
     * does not exist yet, so the event is retried after the registration it follows.
     */
    void markEmailVerified(UUID id) {
        if (!jdbi.withHandle(handle -> profiles.markEmailVerified(handle, id))) {
            throw new IllegalStateException("no profile for user " + id + " yet; EmailVerified is retried");
        }
        invalidate(id);
    }

    /** The profile, from the cache or (then cached) from the database. */
    Optional<Profile> cached(UUID id) {
        return Optional.ofNullable(cache.get(
                CACHE_KEY + id,
                cacheTtl,
                CODEC,
                () -> jdbi.withHandle(handle -> profiles.byId(handle, id)).orElse(null)));
    }

    /** Drops cached profiles after a change; called after the change committed. */
    void invalidate(UUID... ids) {
        for (UUID id : ids) {
            cache.invalidate(CACHE_KEY + id);
        }
    }

    static int codePoints(String text) {
        return text.codePointCount(0, text.length());
    }
}
