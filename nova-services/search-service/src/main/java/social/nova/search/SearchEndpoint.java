package social.nova.search;

import java.util.UUID;

import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.search.v1.PostHit;
import social.nova.contracts.search.v1.SearchPostsRequest;
import social.nova.contracts.search.v1.SearchPostsResponse;
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.contracts.search.v1.SearchUsersRequest;
import social.nova.contracts.search.v1.SearchUsersResponse;
import social.nova.contracts.search.v1.UserHit;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of search-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in {@link Search}; the kit maps thrown errors to statuses.
 */
final class SearchEndpoint extends SearchServiceGrpc.SearchServiceImplBase {
    private final Search search;

    SearchEndpoint(Search search) {
        this.search = search;
    }

    @Override
    public void searchUsers(SearchUsersRequest request, StreamObserver<SearchUsersResponse> response) {
        Search.UserPage page = search.users(
                callerId(),
                request.getQuery(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                SearchUsersResponse.newBuilder()
                        .addAllHits(
                                page.users().stream().map(SearchEndpoint::hit).toList())
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    @Override
    public void searchPosts(SearchPostsRequest request, StreamObserver<SearchPostsResponse> response) {
        Search.PostPage page = search.posts(
                callerId(),
                request.getQuery(),
                request.getAuthorId(),
                request.getWindow(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                SearchPostsResponse.newBuilder()
                        .addAllHits(
                                page.posts().stream().map(SearchEndpoint::hit).toList())
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }

    private static UserHit hit(SearchStore.UserRow user) {
        return UserHit.newBuilder()
                .setUserId(user.id().toString())
                .setUsername(user.username())
                .setDisplayName(user.displayName())
                .setScore(user.score())
                .build();
    }

    private static PostHit hit(Search.PostHit hit) {
        return PostHit.newBuilder()
                .setPostId(hit.post().id().toString())
                .setAuthorId(hit.post().authorId().toString())
                .setSnippet(hit.snippet())
                .setCreatedAt(timestamp(hit.post().createdAt()))
                .setScore(hit.post().score())
                .build();
    }
}
