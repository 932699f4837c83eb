package social.nova.content;

import java.util.List;
import java.util.UUID;

import io.grpc.stub.StreamObserver;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.CreatePostRequest;
import social.nova.contracts.content.v1.CreatePostResponse;
import social.nova.contracts.content.v1.DeletePostRequest;
import social.nova.contracts.content.v1.DeletePostResponse;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.GetPostsRequest;
import social.nova.contracts.content.v1.GetPostsResponse;
import social.nova.contracts.content.v1.LikePostRequest;
import social.nova.contracts.content.v1.LikePostResponse;
import social.nova.contracts.content.v1.ListPostsByAuthorRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorResponse;
import social.nova.contracts.content.v1.UnlikePostRequest;
import social.nova.contracts.content.v1.UnlikePostResponse;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of content-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in {@link Posts}; the kit maps thrown errors to statuses.
 */
final class ContentEndpoint extends ContentServiceGrpc.ContentServiceImplBase {
    private final Posts posts;

    ContentEndpoint(Posts posts) {
        this.posts = posts;
    }

    @Override
    public void createPost(CreatePostRequest request, StreamObserver<CreatePostResponse> response) {
        reply(
                response,
                CreatePostResponse.newBuilder()
                        .setPost(post(posts.create(callerId(), request.getText(), request.getMediaIdsList())))
                        .build());
    }

    @Override
    public void getPost(GetPostRequest request, StreamObserver<GetPostResponse> response) {
        reply(
                response,
                GetPostResponse.newBuilder()
                        .setPost(post(posts.get(callerId(), request.getPostId())))
                        .build());
    }

    @Override
    public void getPosts(GetPostsRequest request, StreamObserver<GetPostsResponse> response) {
        reply(
                response,
                GetPostsResponse.newBuilder()
                        .addAllPosts(posts(posts.getMany(callerId(), request.getPostIdsList())))
                        .build());
    }

    @Override
    public void deletePost(DeletePostRequest request, StreamObserver<DeletePostResponse> response) {
        posts.delete(callerId(), request.getPostId());
        reply(response, DeletePostResponse.getDefaultInstance());
    }

    @Override
    public void listPostsByAuthor(
            ListPostsByAuthorRequest request, StreamObserver<ListPostsByAuthorResponse> response) {
        Posts.PostPage page = posts.byAuthor(
                callerId(),
                request.getAuthorId(),
                request.getPage().getLimit(),
                request.getPage().getCursor());
        reply(
                response,
                ListPostsByAuthorResponse.newBuilder()
                        .addAllPosts(posts(page.posts()))
                        .setPage(PageResponse.newBuilder()
                                .setNextCursor(page.nextCursor() == null ? "" : page.nextCursor()))
                        .build());
    }

    @Override
    public void likePost(LikePostRequest request, StreamObserver<LikePostResponse> response) {
        reply(
                response,
                LikePostResponse.newBuilder()
                        .setPost(post(posts.like(callerId(), request.getPostId())))
                        .build());
    }

    @Override
    public void unlikePost(UnlikePostRequest request, StreamObserver<UnlikePostResponse> response) {
        reply(
                response,
                UnlikePostResponse.newBuilder()
                        .setPost(post(posts.unlike(callerId(), request.getPostId())))
                        .build());
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }

    private static social.nova.contracts.content.v1.Post post(PostView view) {
        Post post = view.post();
        return social.nova.contracts.content.v1.Post.newBuilder()
                .setId(post.id().toString())
                .setAuthorId(post.authorId().toString())
                .setText(post.text())
                .addAllMediaIds(post.mediaIds().stream().map(UUID::toString).toList())
                .setLikeCount(post.likeCount())
                .setLikedByCaller(view.likedByCaller())
                .setCreatedAt(timestamp(post.createdAt()))
                .build();
    }

    private static List<social.nova.contracts.content.v1.Post> posts(List<PostView> views) {
        return views.stream().map(ContentEndpoint::post).toList();
    }
}
