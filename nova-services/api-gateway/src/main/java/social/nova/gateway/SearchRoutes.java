package social.nova.gateway;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.content.v1.GetPostsRequest;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.search.v1.PostHit;
import social.nova.contracts.search.v1.SearchPostsRequest;
import social.nova.contracts.search.v1.SearchPostsResponse;
import social.nova.contracts.search.v1.SearchUsersRequest;
import social.nova.contracts.search.v1.SearchUsersResponse;
import social.nova.contracts.search.v1.UserHit;
import social.nova.contracts.user.v1.GetUsersRequest;
import social.nova.contracts.user.v1.Profile;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.page;

/**
 * {@code /api/v1/search/users} and {@code /api/v1/search/posts}, on search-service. Search
 * answers ids, scores and snippets; the gateway answers full objects, so it reads the hits'
 * profiles (UserService.GetUsers) and posts (ContentService.GetPosts) in one call each, as the
 * caller, keeping search's order. A hit whose object is gone meanwhile (a post deleted since it
 * was indexed) is left out. Every route needs a signed-in user. Registered at {@code /api/v1}.
 */
final class SearchRoutes implements HttpService {
    static final String QUERY = "q";
    static final String AUTHOR_ID = "authorId";

    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    SearchRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/search/users", authentication.required(this::users))
                .get("/search/posts", authentication.required(this::posts));
    }

    private void users(ServerRequest request, ServerResponse response, Caller caller) {
        SearchUsersResponse found = backends.search()
                .searchUsers(SearchUsersRequest.newBuilder()
                        .setQuery(query(request))
                        .setPage(page(request))
                        .build());
        List<String> ids = found.getHitsList().stream().map(UserHit::getUserId).toList();
        Map<String, Profile> profiles = ids.isEmpty()
                ? Map.of()
                : backends
                        .users()
                        .getUsers(
                                GetUsersRequest.newBuilder().addAllUserIds(ids).build())
                        .getProfilesList()
                        .stream()
                        .collect(Collectors.toMap(Profile::getId, Function.identity(), (a, b) -> a));
        json.send(
                response,
                Views.Page.of(
                        ids.stream()
                                .map(profiles::get)
                                .filter(Objects::nonNull)
                                .map(Views.ProfileView::of)
                                .toList(),
                        found.getPage().getNextCursor()));
    }

    private void posts(ServerRequest request, ServerResponse response, Caller caller) {
        SearchPostsRequest.Builder search =
                SearchPostsRequest.newBuilder().setQuery(query(request)).setPage(page(request));
        RequestParams.optionalUuidQuery(request, AUTHOR_ID).ifPresent(search::setAuthorId);
        SearchPostsResponse found = backends.search().searchPosts(search.build());
        List<String> ids = found.getHitsList().stream().map(PostHit::getPostId).toList();
        Map<String, Post> posts = ids.isEmpty()
                ? Map.of()
                : backends
                        .content()
                        .getPosts(
                                GetPostsRequest.newBuilder().addAllPostIds(ids).build())
                        .getPostsList()
                        .stream()
                        .collect(Collectors.toMap(Post::getId, Function.identity(), (a, b) -> a));
        json.send(
                response,
                Views.Page.of(
                        found.getHitsList().stream()
                                .filter(hit -> posts.containsKey(hit.getPostId()))
                                .map(hit -> new Views.PostHitView(
                                        Views.PostView.of(posts.get(hit.getPostId())), hit.getSnippet()))
                                .toList(),
                        found.getPage().getNextCursor()));
    }

    /** {@code ?q=}: passed as it is; search-service judges it (its violations on "query" come back as "q"). */
    private static String query(ServerRequest request) {
        return request.query().first(QUERY).asOptional().orElse("");
    }
}
