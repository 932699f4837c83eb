package social.nova.gateway;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.CreatePostResponse;
import social.nova.contracts.content.v1.DeletePostResponse;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.LikePostResponse;
import social.nova.contracts.content.v1.ListPostsByAuthorResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.content.v1.UnlikePostResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Posts and likes through the gateway, in front of a content-service stub: each route's call to
 * content-service (with the caller's token) and the post JSON the gateway writes, and content's
 * refusals mapped to HTTP.
 */
class GatewayPostsIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void anAuthorPostsAndAnyoneReadsItAndLikesIt() {
        GatewayFixture.Caller author = fixture.signIn();
        GatewayFixture.Caller fan = fixture.signIn();
        Post post = post(author, "Hello, Nova", 0);
        var content = fixture.content.stubs();
        content.stub(ContentServiceGrpc.getCreatePostMethod())
                .whenField("text", "Hello, Nova")
                .whenHeader("authorization", author.bearer())
                .willReturn(CreatePostResponse.newBuilder().setPost(post).build());
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", post.getId())
                .willReturn(GetPostResponse.newBuilder().setPost(post).build());
        content.stub(ContentServiceGrpc.getLikePostMethod())
                .whenField("post_id", post.getId())
                .whenHeader("authorization", fan.bearer())
                .willReturn(LikePostResponse.newBuilder()
                        .setPost(post.toBuilder().setLikeCount(1))
                        .build());
        content.stub(ContentServiceGrpc.getUnlikePostMethod())
                .whenField("post_id", post.getId())
                .whenHeader("authorization", fan.bearer())
                .willReturn(UnlikePostResponse.newBuilder().setPost(post).build());

        var created = client.post("/api/v1/posts", Map.of("text", "Hello, Nova"), author.accessToken());
        assertThat(created.status()).isEqualTo(201);
        JsonNode json = created.json();
        String postPath = "/api/v1/posts/" + post.getId();
        assertThat(created.header("Location")).isEqualTo(postPath);
        assertThat(json.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "authorId", "text", "mediaIds", "likes", "likedByMe", "createdAt");
        assertThat(json.path("authorId").asText()).isEqualTo(author.userId());
        assertThat(json.path("text").asText()).isEqualTo("Hello, Nova");
        assertThat(json.path("mediaIds").isArray())
                .as("a text-only post has an empty list")
                .isTrue();
        assertThat(json.path("mediaIds")).isEmpty();
        assertThat(json.path("likes").asLong()).isZero();
        assertThat(json.path("likedByMe").isBoolean()).isTrue();
        assertThat(json.path("likedByMe").asBoolean()).isFalse();
        assertThat(Instant.parse(json.path("createdAt").asText()))
                .isEqualTo(Instant.ofEpochSecond(post.getCreatedAt().getSeconds()));

        assertThat(client.get(postPath, fan.accessToken()).json()).isEqualTo(json);
        assertThat(client.send("PUT", postPath + "/like", null, fan.accessToken(), Map.of())
                        .status())
                .isEqualTo(204);
        assertThat(client.send("DELETE", postPath + "/like", null, fan.accessToken(), Map.of())
                        .status())
                .isEqualTo(204);
        assertThat(content.calls(ContentServiceGrpc.getLikePostMethod()))
                .filteredOn(call -> call.request().getPostId().equals(post.getId()))
                .hasSize(1);
    }

    @Test
    void mediaIdsGoToContentServiceInTheirOrderAndComeBackWithThePost() {
        GatewayFixture.Caller author = fixture.signIn();
        String first = UUID.randomUUID().toString();
        String second = UUID.randomUUID().toString();
        Post post = post(author, "two pictures", 0).toBuilder()
                .addMediaIds(second)
                .addMediaIds(first)
                .build();
        var content = fixture.content.stubs();
        content.stub(ContentServiceGrpc.getCreatePostMethod())
                .whenField("text", "two pictures")
                .whenField("media_ids", List.of(second, first))
                .whenHeader("authorization", author.bearer())
                .willReturn(CreatePostResponse.newBuilder().setPost(post).build());
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", post.getId())
                .willReturn(GetPostResponse.newBuilder().setPost(post).build());

        var created = client.post(
                "/api/v1/posts",
                Map.of("text", "two pictures", "mediaIds", List.of(second, first)),
                author.accessToken());
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("mediaIds")).extracting(JsonNode::asText).containsExactly(second, first);
        assertThat(client.get("/api/v1/posts/" + post.getId(), author.accessToken())
                        .json()
                        .path("mediaIds"))
                .extracting(JsonNode::asText)
                .containsExactly(second, first);
    }

    @Test
    void mediaNotReadyAndForeignMediaAreRefusedAs400WithTheirDetails() {
        GatewayFixture.Caller author = fixture.signIn();
        String processing = UUID.randomUUID().toString();
        String foreign = UUID.randomUUID().toString();
        var content = fixture.content.stubs();
        content.stub(ContentServiceGrpc.getCreatePostMethod())
                .whenHeader("authorization", author.bearer())
                .whenField("media_ids", List.of(processing))
                .willFail(NovaException.builder(
                                ErrorCode.FAILED_PRECONDITION,
                                "media " + processing + " is still being processed; retry later")
                        .reason("MEDIA_NOT_READY")
                        .domain("content.nova.social")
                        .metadata("media_id", processing)
                        .metadata("status", "MEDIA_STATUS_PROCESSING")
                        .build());
        content.stub(ContentServiceGrpc.getCreatePostMethod())
                .whenHeader("authorization", author.bearer())
                .whenField("media_ids", List.of(processing, foreign))
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("media_ids[1]", "no media " + foreign + " uploaded by you")));

        var notReady = client.post(
                "/api/v1/posts", Map.of("text", "too soon", "mediaIds", List.of(processing)), author.accessToken());
        // FAILED_PRECONDITION is a 400 like every other (the README's rule); the reason tells it apart.
        assertThat(notReady.status()).as(notReady.toString()).isEqualTo(400);
        assertThat(notReady.errorCode()).isEqualTo("FAILED_PRECONDITION");
        assertThat(notReady.json().path("error").path("message").asText()).contains("retry later");
        JsonNode info = notReady.json().path("error").path("details").get(0);
        assertThat(info.path("reason").asText()).isEqualTo("MEDIA_NOT_READY");
        assertThat(info.path("metadata").path("media_id").asText()).isEqualTo(processing);
        assertThat(info.path("metadata").path("status").asText()).isEqualTo("MEDIA_STATUS_PROCESSING");

        var notMine = client.post(
                "/api/v1/posts",
                Map.of("text", "not mine", "mediaIds", List.of(processing, foreign)),
                author.accessToken());
        assertThat(notMine.status()).isEqualTo(400);
        assertThat(notMine.json().path("error").path("details").findValuesAsText("field"))
                .containsExactly("mediaIds[1]");
    }

    @Test
    void mediaIdsMustBeAnArrayOfStringsCheckedAtTheEdge() {
        GatewayFixture.Caller author = fixture.signIn();
        for (Object mediaIds : new Object[] {"not-a-list", Arrays.asList("a", null), List.of(5)}) {
            var refused =
                    client.post("/api/v1/posts", Map.of("text", "hi", "mediaIds", mediaIds), author.accessToken());
            assertThat(refused.status()).as(refused.toString()).isEqualTo(400);
            assertThat(refused.json().path("error").path("details").findValuesAsText("field"))
                    .singleElement()
                    .asString()
                    .startsWith("mediaIds");
        }
    }

    @Test
    void aUsersPostsComePageByPageWithTheCursorPassedThrough() {
        GatewayFixture.Caller author = fixture.signIn();
        var content = fixture.content.stubs();
        content.stub(ContentServiceGrpc.getListPostsByAuthorMethod())
                .whenField("author_id", author.userId())
                .whenField("page.limit", 2)
                .whenField("page.cursor", "")
                .willReturn(ListPostsByAuthorResponse.newBuilder()
                        .addPosts(post(author, "third", 0))
                        .addPosts(post(author, "second", 0))
                        .setPage(PageResponse.newBuilder().setNextCursor("c2"))
                        .build());
        content.stub(ContentServiceGrpc.getListPostsByAuthorMethod())
                .whenField("author_id", author.userId())
                .whenField("page.limit", 2)
                .whenField("page.cursor", "c2")
                .willReturn(ListPostsByAuthorResponse.newBuilder()
                        .addPosts(post(author, "first", 0))
                        .build());
        String posts = "/api/v1/users/" + author.userId() + "/posts";

        var page1 = client.get(posts + "?limit=2", author.accessToken());
        assertThat(page1.status()).isEqualTo(200);
        assertThat(page1.json().path("items").findValuesAsText("text")).containsExactly("third", "second");
        assertThat(page1.json().path("nextCursor").asText()).isEqualTo("c2");
        var page2 = client.get(posts + "?limit=2&cursor=c2", author.accessToken());
        assertThat(page2.json().path("items").findValuesAsText("text")).containsExactly("first");
        assertThat(page2.json().path("nextCursor").isNull())
                .as("the last page's cursor is null")
                .isTrue();
    }

    @Test
    void contentServicesRefusalsKeepTheirStatusAndReason() {
        GatewayFixture.Caller author = fixture.signIn();
        GatewayFixture.Caller other = fixture.signIn();
        String postId = UUID.randomUUID().toString();
        String missing = UUID.randomUUID().toString();
        var content = fixture.content.stubs();
        content.stub(ContentServiceGrpc.getDeletePostMethod())
                .whenField("post_id", postId)
                .whenHeader("authorization", other.bearer())
                .willFail(NovaException.builder(ErrorCode.PERMISSION_DENIED, "only the author may delete a post")
                        .reason("NOT_AUTHOR")
                        .domain("content.nova.social")
                        .build());
        content.stub(ContentServiceGrpc.getDeletePostMethod())
                .whenField("post_id", postId)
                .whenHeader("authorization", author.bearer())
                .willReturn(DeletePostResponse.getDefaultInstance());
        content.stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", missing)
                .willFail(NovaException.notFound("post", missing));

        var refused = client.send("DELETE", "/api/v1/posts/" + postId, null, other.accessToken(), Map.of());
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo("PERMISSION_DENIED");
        assertThat(refused.json().path("error").path("details").findValuesAsText("reason"))
                .contains("NOT_AUTHOR");
        assertThat(client.send("DELETE", "/api/v1/posts/" + postId, null, author.accessToken(), Map.of())
                        .status())
                .isEqualTo(204);
        var notFound = client.get("/api/v1/posts/" + missing, author.accessToken());
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void anInvalidPostNamesTheField() {
        GatewayFixture.Caller author = fixture.signIn();
        fixture.content
                .stubs()
                .stub(ContentServiceGrpc.getCreatePostMethod())
                .whenHeader("authorization", author.bearer())
                .when("blank text", request -> request.getText().isBlank())
                .willFail(NovaException.invalidArgument(FieldViolation.of("text", "must be 1..500 characters")));

        var blank = client.post("/api/v1/posts", Map.of("text", "   "), author.accessToken());
        assertThat(blank.status()).isEqualTo(400);
        assertThat(blank.json().path("error").path("details").findValuesAsText("field"))
                .containsExactly("text");
        var number = client.post("/api/v1/posts", Map.of("text", 5), author.accessToken());
        assertThat(number.status()).isEqualTo(400);
        assertThat(number.json().path("error").path("message").asText()).isEqualTo("field 'text' must be a string");
    }

    private static Post post(GatewayFixture.Caller author, String text, long likes) {
        return Post.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setAuthorId(author.userId())
                .setText(text)
                .setLikeCount(likes)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .build();
    }
}
