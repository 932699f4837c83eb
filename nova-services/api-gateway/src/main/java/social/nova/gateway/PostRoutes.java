package social.nova.gateway;

import java.util.List;
import java.util.Objects;

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
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.page;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code /api/v1/posts} and {@code /api/v1/users/{id}/posts}: posts and likes, on content-service.
 * Every route needs a signed-in user. Registered at {@code /api/v1}.
 */
final class PostRoutes implements HttpService {
    static final String MEDIA_IDS = "mediaIds";

    private final Backends backends;
    private final Authentication authentication;
    private final Json json;

    /** {@code POST /posts}: the text, and optionally the ids of media the caller uploaded. */
    record NewPost(String text, List<String> mediaIds) {}

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
                        .addAllMediaIds(mediaIds(body.mediaIds()))
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

    /** The body's ids as they are (absent is none: content-service checks them); a null entry is a 400 here. */
    static List<String> mediaIds(List<String> ids) {
        if (ids == null) {
            return List.of();
        }
        if (ids.stream().anyMatch(Objects::isNull)) {
            throw NovaException.invalidArgument(
                    "field 'mediaIds' must hold media ids, not null",
                    FieldViolation.of(MEDIA_IDS, "must not contain null"));
        }
        return ids;
    }
}
