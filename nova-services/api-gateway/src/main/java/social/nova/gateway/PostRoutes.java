package social.nova.gateway;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.content.v1.CreatePostRequest;
import social.nova.contracts.content.v1.DeletePostRequest;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.LikePostRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.content.v1.UnlikePostRequest;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.page;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code /api/v1/posts} and {@code /api/v1/users/{id}/posts}: posts and likes, on content-service.
 * Every route needs a signed-in user. Registered at {@code /api/v1}.
 */
final class PostRoutes implements HttpService {
    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    /** {@code POST /posts}. */
    record NewPost(String text) {}

    PostRoutes(Backends backends, Authentication authentication, Json json) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/posts", authentication.required(this::create))
                .get("/posts/{id}", authentication.required(this::post))
                .delete("/posts/{id}", authentication.required(this::delete))
                .put("/posts/{id}/like", authentication.required(this::like))
                .delete("/posts/{id}/like", authentication.required(this::unlike))
                .get("/users/{id}/posts", authentication.required(this::byAuthor));
    }

    private void create(ServerRequest request, ServerResponse response, Caller caller) {
        NewPost body = json.read(request, NewPost.class);
        Post post = backends.content()
                .createPost(CreatePostRequest.newBuilder()
                        .setText(Json.orEmpty(body.text()))
                        .build())
                .getPost();
        response.header(HeaderNames.LOCATION, "/api/v1/posts/" + post.getId());
        json.send(response, Status.CREATED_201, Views.PostView.of(post));
    }

    private void post(ServerRequest request, ServerResponse response, Caller caller) {
        json.send(
                response,
                Views.PostView.of(backends.content()
                        .getPost(GetPostRequest.newBuilder()
                                .setPostId(uuid(request, ID))
                                .build())
                        .getPost()));
    }

    private void delete(ServerRequest request, ServerResponse response, Caller caller) {
        backends.content()
                .deletePost(DeletePostRequest.newBuilder()
                        .setPostId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void like(ServerRequest request, ServerResponse response, Caller caller) {
        backends.content()
                .likePost(LikePostRequest.newBuilder()
                        .setPostId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void unlike(ServerRequest request, ServerResponse response, Caller caller) {
        backends.content()
                .unlikePost(UnlikePostRequest.newBuilder()
                        .setPostId(uuid(request, ID))
                        .build());
        response.status(Status.NO_CONTENT_204).send();
    }

    private void byAuthor(ServerRequest request, ServerResponse response, Caller caller) {
        ListPostsByAuthorResponse page = backends.content()
                .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                        .setAuthorId(uuid(request, ID))
                        .setPage(page(request))
                        .build());
        json.send(response, Views.PostView.page(page.getPostsList(), page.getPage()));
    }
}
