package social.nova.user;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import social.nova.db.Outbox;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Who follows and who blocks whom. Follow, unfollow and block lock both users' rows first (in id
 * order), so that they are serialised per pair and the follower/following counters on the
 * profiles always match the follows table. Each change that happened (a repeated follow is none)
 * appends its event ({@link UserEvents}) to the outbox in the same transaction.
 */
final class SocialGraph {
    /** A conversation's other participants at most (nova.messaging.v1 CreateConversation). */
    static final int MAX_MESSAGING_BATCH = 49;

    private final Jdbi jdbi;
    private final ProfileStore profiles;
    private final GraphStore graph;
    private final Profiles profileCache;
    private final RateLimiter followLimit;
    private final Paging paging;
    private final Clock clock;

    /** One page of followers or followed users, and the subject's total count. */
    record Connections(List<ProfileView> profiles, String nextCursor, long totalCount) {}

    SocialGraph(
            Jdbi jdbi,
            ProfileStore profiles,
            GraphStore graph,
            Profiles profileCache,
            RateLimiter followLimit,
            Paging paging,
            Clock clock) {
        this.jdbi = jdbi;
        this.profiles = profiles;
        this.graph = graph;
        this.profileCache = profileCache;
        this.followLimit = followLimit;
        this.paging = paging;
        this.clock = clock;
    }

    /** The caller follows the user (again: unchanged); answers the followed profile with its new count. */
    ProfileView follow(UUID caller, String userId) {
        UUID target = otherUser(caller, userId);
        RateLimits.enforce(followLimit, caller.toString(), UserErrors.DOMAIN);
        Profile followed = jdbi.inTransaction(handle -> {
            lockBoth(handle, caller, target);
            if (graph.blockedEitherWay(handle, caller, target)) {
                throw UserErrors.blocked();
            }
            if (graph.follow(handle, caller, target)) {
                profiles.adjustFollowCounts(handle, caller, target, 1);
                Outbox.append(handle, UserEvents.followed(caller, target, clock.instant()));
            }
            return profiles.byId(handle, target).orElseThrow();
        });
        profileCache.invalidate(caller, target);
        return new ProfileView(followed, true);
    }

    void unfollow(UUID caller, String userId) {
        UUID target = anyUser(userId);
        boolean removed = jdbi.inTransaction(handle -> {
            profiles.lockPair(handle, caller, target);
            return removeFollow(handle, caller, target);
        });
        if (removed) {
            profileCache.invalidate(caller, target);
        }
    }

    /**
     * Blocks the user: follows in both directions end (each announced as {@code UserUnfollowed}),
     * and the user can no longer follow or see the caller.
     */
    void block(UUID caller, String userId) {
        UUID target = otherUser(caller, userId);
        jdbi.useTransaction(handle -> {
            lockBoth(handle, caller, target);
            removeFollow(handle, caller, target);
            removeFollow(handle, target, caller);
            if (graph.block(handle, caller, target)) {
                Outbox.append(handle, UserEvents.blocked(caller, target, clock.instant()));
            }
        });
        profileCache.invalidate(caller, target);
    }

    /** Lifts the caller's block; follows removed by the block stay removed. */
    void unblock(UUID caller, String userId) {
        UUID target = anyUser(userId);
        jdbi.useTransaction(handle -> {
            // The pair's lock orders this against a concurrent block, and so their events.
            profiles.lockPair(handle, caller, target);
            if (graph.unblock(handle, caller, target)) {
                Outbox.append(handle, UserEvents.unblocked(caller, target, clock.instant()));
            }
        });
    }

    /**
     * Whether the caller may message each of {@code userIds} (GetMessagingPermissions): asked by
     * messaging-service before a conversation starts or a message passes. 1..49 distinct ids,
     * as many as a conversation's other participants.
     */
    List<GraphStore.MessagingPermission> messagingPermissions(UUID caller, List<String> userIds) {
        Violations violations = new Violations();
        violations.require(
                !userIds.isEmpty() && userIds.size() <= MAX_MESSAGING_BATCH,
                "user_ids",
                "must name 1.." + MAX_MESSAGING_BATCH + " users");
        List<String> invalid = userIds.stream().filter(id -> !Ids.isUuid(id)).toList();
        violations.require(invalid.isEmpty(), "user_ids", "must all be UUIDs (" + invalid.size() + " are not)");
        violations.throwIfAny();
        List<UUID> ids = userIds.stream().map(UUID::fromString).toList();
        violations.require(Set.copyOf(ids).size() == ids.size(), "user_ids", "must not name a user twice");
        violations.require(!ids.contains(caller), "user_ids", "must not include the caller's own id");
        violations.throwIfAny();
        return jdbi.withHandle(handle -> graph.messagingPermissions(handle, caller, ids));
    }

    Connections followers(UUID caller, String userId, int limit, String cursor) {
        return list(GraphStore.Direction.FOLLOWERS, "ListFollowers", caller, userId, limit, cursor);
    }

    Connections following(UUID caller, String userId, int limit, String cursor) {
        return list(GraphStore.Direction.FOLLOWING, "ListFollowing", caller, userId, limit, cursor);
    }

    private Connections list(
            GraphStore.Direction direction, String rpc, UUID caller, String userId, int limit, String cursor) {
        Violations violations = new Violations();
        UUID subject = Ids.parse(userId, "user_id", violations);
        // The parsed id, so that the same user in upper or lower case is the same list.
        String scope = rpc + ":" + (subject == null ? userId : subject);
        Paging.Query query = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();

        Profile owner = profileCache.visible(caller, subject).profile();
        return jdbi.withHandle(handle -> {
            List<GraphStore.Connection> rows =
                    graph.connections(handle, direction, subject, caller, query.after(), query.limit() + 1);
            Paging.Page<GraphStore.Connection> page = paging.page(
                    rows,
                    query,
                    scope,
                    row -> new Paging.Position(row.since(), row.profile().id()));
            Set<UUID> followed = graph.followedAmong(
                    handle,
                    caller,
                    page.items().stream().map(row -> row.profile().id()).toList());
            List<ProfileView> views = page.items().stream()
                    .map(row -> new ProfileView(
                            row.profile(), followed.contains(row.profile().id())))
                    .toList();
            // The counters are read in this handle rather than from the cache, so that the total
            // agrees with the page just read.
            Profile current = profiles.byId(handle, subject).orElse(owner);
            long total =
                    direction == GraphStore.Direction.FOLLOWERS ? current.followerCount() : current.followingCount();
            return new Connections(views, page.nextCursor(), total);
        });
    }

    private boolean removeFollow(Handle handle, UUID follower, UUID followee) {
        if (graph.unfollow(handle, follower, followee)) {
            profiles.adjustFollowCounts(handle, follower, followee, -1);
            Outbox.append(handle, UserEvents.unfollowed(follower, followee, clock.instant()));
            return true;
        }
        return false;
    }

    /** Locks both rows; the target must exist, and so must the caller's own profile. */
    private void lockBoth(Handle handle, UUID caller, UUID target) {
        Set<UUID> existing = profiles.lockPair(handle, caller, target);
        if (!existing.contains(target)) {
            throw UserErrors.userNotFound(target);
        }
        if (!existing.contains(caller)) {
            throw UserErrors.profileMissing();
        }
    }

    private static UUID otherUser(UUID caller, String userId) {
        Violations violations = new Violations();
        UUID target = Ids.parse(userId, "user_id", violations);
        violations.require(target == null || !target.equals(caller), "user_id", "must not be the caller's own id");
        violations.throwIfAny();
        return target;
    }

    private static UUID anyUser(String userId) {
        Violations violations = new Violations();
        UUID target = Ids.parse(userId, "user_id", violations);
        violations.throwIfAny();
        return target;
    }
}
