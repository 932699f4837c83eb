package social.nova.feed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.grpc.StatusRuntimeException;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostsRequest;
import social.nova.contracts.content.v1.Post;

/**
 * What feed-service asks content-service: the posts of a page, as the caller sees them. Calls go
 * through the kit's resilient client (deadline, retry of the read, bulkhead, circuit breaker) and
 * carry the caller's own access token.
 */
final class ContentDirectory {
    /** The Consul name feed-service calls. */
    static final String CONTENT_SERVICE = "content-service";

    private final ContentServiceGrpc.ContentServiceBlockingStub content;

    ContentDirectory(ContentServiceGrpc.ContentServiceBlockingStub content) {
        this.content = content;
    }

    /**
     * The existing posts among {@code ids} (at most 100), by id, in one GetPosts call; deleted and
     * unknown posts are absent. UNAUTHENTICATED passes through; any other failure (down, breaker
     * open, deadline) is UNAVAILABLE, never INTERNAL.
     */
    Map<UUID, Post> posts(List<UUID> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        try {
            List<Post> posts = content.getPosts(GetPostsRequest.newBuilder()
                            .addAllPostIds(ids.stream().map(UUID::toString).toList())
                            .build())
                    .getPostsList();
            Map<UUID, Post> byId = new LinkedHashMap<>();
            posts.forEach(post -> byId.put(UUID.fromString(post.getId()), post));
            return byId;
        } catch (StatusRuntimeException e) {
            throw FeedErrors.dependency(CONTENT_SERVICE, "return the posts", e);
        }
    }
}
