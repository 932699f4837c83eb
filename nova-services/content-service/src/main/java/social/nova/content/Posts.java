package social.nova.content;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.jdbi.v3.core.Jdbi;
import social.nova.db.Outbox;
import social.nova.errors.Violations;
import social.nova.kit.Concurrently;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Posts and likes. Every change and its event ({@link PostEvents}) commit in one transaction
 * through the outbox. Changes to an existing post lock its row first, so like_count stays exact
 * and the post's events are published in the order of the changes.
 */
final class Posts {
    static final int MAX_TEXT = 500;
    static final int MAX_BATCH = 100;
    static final int MAX_MEDIA = 4;

    private final Jdbi jdbi;
    private final PostStore store;
    private final UserDirectory users;
    private final MediaLibrary media;
    private final RateLimiter createLimit;
    private final Paging paging;
    private final Clock clock;

    /** One page of an author's posts. */
    record PostPage(List<PostView> posts, String nextCursor) {}

    Posts(
            Jdbi jdbi,
            PostStore store,
            UserDirectory users,
            MediaLibrary media,
            RateLimiter createLimit,
            Paging paging,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.users = users;
        this.media = media;
        this.createLimit = createLimit;
        this.paging = paging;
        this.clock = clock;
    }

    /**
     * A new post by the caller, who must have a profile in user-service, with media the caller
     * uploaded to media-service and that are READY there. Nothing is stored unless every check
     * passes.
     */
    PostView create(UUID caller, String text, List<String> mediaIds) {
        String stripped = text == null ? "" : text.strip();
        int length = stripped.codePointCount(0, stripped.length());
        Violations violations = new Violations()
                .require(
                        length >= 1 && length <= MAX_TEXT,
                        "text",
                        "must be 1 to " + MAX_TEXT + " characters after trimming");
        List<UUID> attached = mediaIds(mediaIds, violations);
        violations.throwIfAny();
        RateLimits.enforce(createLimit, caller.toString(), ContentErrors.DOMAIN);
        if (attached.isEmpty() || users.confirmedLately(caller)) {
            // At most one service to ask: here, since handing a check to another thread costs a wake-up.
            users.requireAuthor(caller);
            media.requireAttachable(caller, attached);
        } else {
            // Two services to ask, and neither answer depends on the other: at once, so the post
            // waits for the slower one only (an author's first post in a while, with media).
            Concurrently.run(() -> users.requireAuthor(caller), () -> media.requireAttachable(caller, attached));
        }

        Post post = new Post(UUID.randomUUID(), caller, stripped, attached, 0, now(), null);
        // The row and its event in one statement, committed on its own: one round trip, not three.
        jdbi.useHandle(handle -> store.insert(handle, post, PostEvents.created(post)));
        return new PostView(post, false);
    }

    PostView get(UUID caller, String postId) {
        UUID id = postId(postId);
        return jdbi.withHandle(handle -> store.viewById(handle, id, caller))
                .filter(view -> !view.post().deleted())
                .orElseThrow(() -> ContentErrors.postNotFound(id));
    }

    /** Up to 100 posts in the order asked for; unknown and deleted ids are absent, duplicates count once. */
    List<PostView> getMany(UUID caller, List<String> postIds) {
        Violations violations = new Violations();
        violations.require(
                !postIds.isEmpty() && postIds.size() <= MAX_BATCH, "post_ids", "must name 1.." + MAX_BATCH + " posts");
        long invalid = postIds.stream().filter(id -> !Ids.isUuid(id)).count();
        violations.require(invalid == 0, "post_ids", "must all be UUIDs (" + invalid + " are not)");
        violations.throwIfAny();

        List<UUID> ids = List.copyOf(
                postIds.stream().map(UUID::fromString).collect(Collectors.toCollection(LinkedHashSet::new)));
        return jdbi.withHandle(handle -> {
            Map<UUID, PostView> found = store.existingViewsByIds(handle, ids, caller).stream()
                    .collect(Collectors.toMap(view -> view.post().id(), Function.identity()));
            List<PostView> views = new ArrayList<>();
            for (UUID id : ids) {
                PostView view = found.get(id);
                if (view != null) {
                    views.add(view);
                }
            }
            return views;
        });
    }

    /** Deletes one of the caller's posts and its likes; deleting it again succeeds. */
    void delete(UUID caller, String postId) {
        UUID id = postId(postId);
        jdbi.useTransaction(handle -> {
            Post post = store.lock(handle, id).orElseThrow(() -> ContentErrors.postNotFound(id));
            if (!post.authorId().equals(caller)) {
                throw ContentErrors.notAuthor();
            }
            if (post.deleted()) {
                return;
            }
            Instant now = now();
            store.delete(handle, id, now);
            Outbox.append(handle, PostEvents.deleted(post, now));
        });
    }

    /** The author's posts, newest first. An unknown author simply has none. */
    PostPage byAuthor(UUID caller, String authorId, int limit, String cursor) {
        Violations violations = new Violations();
        UUID author = Ids.parse(authorId, "author_id", violations);
        // The parsed id, so that the same author in upper or lower case is the same list.
        String scope = "ListPostsByAuthor:" + (author == null ? authorId : author);
        Paging.Query query = paging.read(limit, cursor, scope, violations);
        violations.throwIfAny();

        return jdbi.withHandle(handle -> {
            List<PostView> rows = store.byAuthor(handle, author, query.after(), query.limit() + 1, caller);
            Paging.Page<PostView> page = paging.page(
                    rows,
                    query,
                    scope,
                    view -> new Paging.Position(
                            view.post().createdAt(), view.post().id()));
            return new PostPage(page.items(), page.nextCursor());
        });
    }

    /** The caller likes the post (again: counted once). */
    PostView like(UUID caller, String postId) {
        UUID id = postId(postId);
        return jdbi.inTransaction(handle -> {
            PostStore.LikeChange change = existing(store.like(handle, id, caller), id);
            long likes = change.before().likeCount() + (change.changed() ? 1 : 0);
            if (change.changed()) {
                Outbox.append(handle, PostEvents.liked(change.before(), caller, likes, now()));
            }
            return new PostView(withLikes(change.before(), likes), true);
        });
    }

    /** The caller no longer likes the post (if it did). */
    PostView unlike(UUID caller, String postId) {
        UUID id = postId(postId);
        return jdbi.inTransaction(handle -> {
            PostStore.LikeChange change = existing(store.unlike(handle, id, caller), id);
            long likes = change.before().likeCount() - (change.changed() ? 1 : 0);
            if (change.changed()) {
                Outbox.append(handle, PostEvents.unliked(change.before(), caller, likes, now()));
            }
            return new PostView(withLikes(change.before(), likes), false);
        });
    }

    /** The change, if the post exists and is not deleted (a deleted post was left unchanged). */
    private static PostStore.LikeChange existing(Optional<PostStore.LikeChange> change, UUID id) {
        return change.filter(found -> !found.before().deleted()).orElseThrow(() -> ContentErrors.postNotFound(id));
    }

    private static Post withLikes(Post post, long likes) {
        return new Post(
                post.id(), post.authorId(), post.text(), post.mediaIds(), likes, post.createdAt(), post.deletedAt());
    }

    /** PostgreSQL keeps microseconds: answers must show the time a later read will show. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** At most {@link #MAX_MEDIA} distinct UUIDs, in the order given (violations on "media_ids", "media_ids[i]"). */
    private static List<UUID> mediaIds(List<String> mediaIds, Violations violations) {
        if (mediaIds.size() > MAX_MEDIA) {
            violations.add("media_ids", "at most " + MAX_MEDIA + " media per post, not " + mediaIds.size());
            return List.of();
        }
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < mediaIds.size(); i++) {
            UUID id = Ids.parse(mediaIds.get(i), "media_ids[" + i + "]", violations);
            if (id != null) {
                ids.add(id);
            }
        }
        violations.require(
                new LinkedHashSet<>(ids).size() == ids.size(), "media_ids", "must not name the same media twice");
        return ids;
    }

    private static UUID postId(String postId) {
        Violations violations = new Violations();
        UUID id = Ids.parse(postId, "post_id", violations);
        violations.throwIfAny();
        return id;
    }
}
