package social.nova.content;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.IntStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.content.v1.CreatePostRequest;
import social.nova.contracts.content.v1.DeletePostRequest;
import social.nova.contracts.content.v1.GetPostRequest;
import social.nova.contracts.content.v1.GetPostsRequest;
import social.nova.contracts.content.v1.LikePostRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorRequest;
import social.nova.contracts.content.v1.ListPostsByAuthorResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.content.v1.UnlikePostRequest;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * content-service over real gRPC on real PostgreSQL and Redis; user-service (checking authors),
 * media-service (media to attach) and auth-service (the key set of the tokens) are registered stub
 * servers ({@link Platform}), and what these tests rely on from them is written as content-service's
 * consumer contracts.
 */
class ContentServiceIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Platform platform = Platform.shared();

    @AfterEach
    void everyCallToADependencyWasStubbed() {
        assertThat(platform.users.stubs().unmatched())
                .as("calls to user-service no stub matched")
                .isEmpty();
        assertThat(platform.media.stubs().unmatched())
                .as("calls to media-service no stub matched")
                .isEmpty();
        assertThat(platform.auth.stub().stubs().unmatched())
                .as("calls to auth-service no stub matched")
                .isEmpty();
    }

    @Test
    void aPostIsCreatedForAKnownAuthorAndAnnouncedOnTheStream() throws Exception {
        Platform.User author = platform.registerWithProfile();
        Post post = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder()
                        .setText("  Hello, Nova!\n")
                        .build())
                .getPost();
        assertThat(post.getAuthorId()).isEqualTo(author.id());
        assertThat(post.getText()).isEqualTo("Hello, Nova!");
        assertThat(post.getLikeCount()).isZero();
        assertThat(post.getLikedByCaller()).isFalse();
        assertThat(post.getMediaIdsList()).isEmpty();

        assertThat(platform.contentAs(author)
                        .getPost(GetPostRequest.newBuilder()
                                .setPostId(post.getId())
                                .build())
                        .getPost())
                .isEqualTo(post);

        List<Map<String, String>> events = awaitEvents(post.getId(), 1);
        Map<String, String> created = events.getFirst();
        assertThat(created)
                .containsEntry("event-type", "PostCreated")
                .containsEntry("aggregate-type", "post")
                .containsKey("header.request-id");
        JsonNode payload = JSON.readTree(created.get("payload"));
        assertThat(payload.get("postId").asText()).isEqualTo(post.getId());
        assertThat(payload.get("authorId").asText()).isEqualTo(author.id());
        assertThat(payload.get("text").asText()).isEqualTo("Hello, Nova!");
        assertThat(payload.get("mediaIds").isArray()).isTrue();
        assertThat(payload.get("mediaIds")).isEmpty();
    }

    @Test
    void aPostShowsItsMediaInTheAuthorsOrderEverywhereAndAnnouncesThem() throws Exception {
        Platform.User author = platform.registerWithProfile();
        String first = platform.mediaOf(author, MediaStatus.MEDIA_STATUS_READY);
        String second = platform.mediaOf(author, MediaStatus.MEDIA_STATUS_READY);
        var content = platform.contentAs(author);
        Post post = content.createPost(CreatePostRequest.newBuilder()
                        .setText("two pictures")
                        .addMediaIds(second)
                        .addMediaIds(first)
                        .build())
                .getPost();
        assertThat(post.getMediaIdsList()).containsExactly(second, first);

        assertThat(content.getPost(GetPostRequest.newBuilder()
                                .setPostId(post.getId())
                                .build())
                        .getPost())
                .isEqualTo(post);
        assertThat(content.getPosts(GetPostsRequest.newBuilder()
                                .addPostIds(post.getId())
                                .build())
                        .getPostsList())
                .containsExactly(post);
        Platform.User reader = platform.registerWithProfile();
        assertThat(platform.contentAs(reader)
                        .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                                .setAuthorId(author.id())
                                .build())
                        .getPostsList())
                .singleElement()
                .satisfies(listed -> assertThat(listed.getMediaIdsList()).containsExactly(second, first));

        // media-service was asked once per item, as the author (the stubs answer only their token).
        assertThat(platform.media.stubs().calls(MediaServiceGrpc.getGetMediaMetadataMethod()))
                .filteredOn(
                        call -> List.of(first, second).contains(call.request().getMediaId()))
                .hasSize(2);
        JsonNode payload = JSON.readTree(awaitEvents(post.getId(), 1).getFirst().get("payload"));
        assertThat(payload.get("mediaIds")).extracting(JsonNode::asText).containsExactly(second, first);
    }

    @Test
    void mediaTheAuthorDidNotUploadIsAnInvalidArgumentOnItsPlaceInTheList() {
        Platform.User author = platform.registerWithProfile();
        Platform.User someoneElse = platform.register();
        var content = platform.contentAs(author);
        String ready = platform.mediaOf(author, MediaStatus.MEDIA_STATUS_READY);

        NovaException unknown = failure(() -> content.createPost(CreatePostRequest.newBuilder()
                .setText("not mine")
                .addMediaIds(platform.unknownMediaOf(author))
                .build()));
        assertThat(unknown.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(unknown.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("media_ids[0]");
            assertThat(violation.description()).contains("uploaded by you");
        });

        // Media another user attached to a public post is readable to everyone, but not the author's to attach.
        String othersPublic = platform.mediaAnsweredAs(author, someoneElse.id(), MediaStatus.MEDIA_STATUS_READY);
        assertThat(violatedFields(() -> content.createPost(CreatePostRequest.newBuilder()
                        .setText("someone else's picture")
                        .addMediaIds(ready)
                        .addMediaIds(othersPublic)
                        .build())))
                .containsExactly("media_ids[1]");

        assertNoPostBy(author);
    }

    @Test
    void mediaStillProcessingOrFailedIsFailedPreconditionMediaNotReady() {
        Platform.User author = platform.registerWithProfile();
        var content = platform.contentAs(author);
        String ready = platform.mediaOf(author, MediaStatus.MEDIA_STATUS_READY);
        String processing = platform.mediaAnsweredAs(author, author.id(), MediaStatus.MEDIA_STATUS_PROCESSING);

        NovaException notYet = failure(() -> content.createPost(CreatePostRequest.newBuilder()
                .setText("too soon")
                .addMediaIds(ready)
                .addMediaIds(processing)
                .build()));
        assertThat(notYet.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(notYet.reason()).contains("MEDIA_NOT_READY");
        assertThat(notYet.domain()).contains("content.nova.social");
        assertThat(notYet.metadata())
                .containsEntry("media_id", processing)
                .containsEntry("status", "MEDIA_STATUS_PROCESSING");
        assertThat(notYet.getMessage()).contains(processing).contains("retry later");

        String failed = platform.mediaAnsweredAs(author, author.id(), MediaStatus.MEDIA_STATUS_FAILED);
        NovaException never = failure(() -> content.createPost(CreatePostRequest.newBuilder()
                .setText("broken video")
                .addMediaIds(failed)
                .build()));
        assertThat(never.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(never.reason()).contains("MEDIA_NOT_READY");
        assertThat(never.metadata()).containsEntry("media_id", failed).containsEntry("status", "MEDIA_STATUS_FAILED");

        assertNoPostBy(author);
    }

    @Test
    void mediaIdsAreAtMostFourDistinctUuidsCheckedBeforeMediaServiceIsAsked() {
        Platform.User author = platform.registerWithProfile();
        var content = platform.contentAs(author);
        // None of these ids is stubbed: a call to media-service would fail the test (unmatched).
        List<String> five = IntStream.range(0, 5)
                .mapToObj(i -> UUID.randomUUID().toString())
                .toList();
        assertThat(violatedFields(() -> content.createPost(CreatePostRequest.newBuilder()
                        .setText("five")
                        .addAllMediaIds(five)
                        .build())))
                .containsExactly("media_ids");
        String twice = UUID.randomUUID().toString();
        assertThat(violatedFields(() -> content.createPost(CreatePostRequest.newBuilder()
                        .setText("twice")
                        .addMediaIds(twice)
                        .addMediaIds(twice.toUpperCase(Locale.ROOT))
                        .build())))
                .containsExactly("media_ids");
        assertThat(violatedFields(() -> content.createPost(CreatePostRequest.newBuilder()
                        .setText("")
                        .addMediaIds(UUID.randomUUID().toString())
                        .addMediaIds("not-a-uuid")
                        .build())))
                .containsExactlyInAnyOrder("text", "media_ids[1]");
        assertNoPostBy(author);

        List<String> four = IntStream.range(0, 4)
                .mapToObj(i -> platform.mediaOf(author, MediaStatus.MEDIA_STATUS_READY))
                .toList();
        assertThat(content.createPost(CreatePostRequest.newBuilder()
                                .setText("four")
                                .addAllMediaIds(four)
                                .build())
                        .getPost()
                        .getMediaIdsList())
                .containsExactlyElementsOf(four);
    }

    /** The author has no post: a refused CreatePost stored nothing. */
    private void assertNoPostBy(Platform.User author) {
        assertThat(platform.contentAs(author)
                        .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                                .setAuthorId(author.id())
                                .build())
                        .getPostsList())
                .isEmpty();
    }

    @Test
    void anAuthorWithoutAProfileIsAnInvalidArgumentNotAnInternalError() throws Exception {
        // A valid token whose user user-service does not have (deleted, or never arrived).
        Platform.User ghost = platform.registerWithoutProfile();
        NovaException error = failure(() -> platform.contentAs(ghost)
                .createPost(CreatePostRequest.newBuilder().setText("Am I here?").build()));
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.reason()).contains("AUTHOR_UNKNOWN");
        assertThat(error.domain()).contains("content.nova.social");
        assertThat(platform.contentAs(ghost)
                        .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                                .setAuthorId(ghost.id())
                                .build())
                        .getPostsList())
                .isEmpty();
    }

    @Test
    void textIsOneToFiveHundredCodePointsAfterTrimming() {
        var content = platform.contentAs(platform.registerWithProfile());
        for (String text : List.of("", "   \n\t ", "x".repeat(501), "🙂".repeat(501))) {
            assertThat(violatedFields(() -> content.createPost(
                            CreatePostRequest.newBuilder().setText(text).build())))
                    .containsExactly("text");
        }
        Post longest = content.createPost(CreatePostRequest.newBuilder()
                        .setText(" " + "🙂".repeat(500) + " ")
                        .build())
                .getPost();
        assertThat(longest.getText()).isEqualTo("🙂".repeat(500));
    }

    @Test
    void onlyTheAuthorDeletesAndDeletingTwiceSucceeds() {
        Platform.User author = platform.registerWithProfile();
        Platform.User other = platform.registerWithProfile();
        String postId = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder().setText("mine").build())
                .getPost()
                .getId();
        DeletePostRequest delete =
                DeletePostRequest.newBuilder().setPostId(postId).build();

        NovaException denied = failure(() -> platform.contentAs(other).deletePost(delete));
        assertThat(denied.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(denied.reason()).contains("NOT_AUTHOR");
        assertThat(platform.contentAs(other)
                        .getPost(GetPostRequest.newBuilder().setPostId(postId).build())
                        .getPost()
                        .getText())
                .isEqualTo("mine");

        platform.contentAs(author).deletePost(delete);
        platform.contentAs(author).deletePost(delete);
        assertThat(failure(() -> platform.contentAs(author)
                                .getPost(GetPostRequest.newBuilder()
                                        .setPostId(postId)
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> platform.contentAs(other)
                                .likePost(LikePostRequest.newBuilder()
                                        .setPostId(postId)
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> platform.contentAs(author)
                                .deletePost(DeletePostRequest.newBuilder()
                                        .setPostId(UUID.randomUUID().toString())
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        assertThat(awaitEvents(postId, 2))
                .extracting(event -> event.get("event-type"))
                .containsExactly("PostCreated", "PostDeleted");
    }

    @Test
    void likesAreIdempotentCountedAndAnnounced() {
        Platform.User author = platform.registerWithProfile();
        Platform.User fan = platform.registerWithProfile();
        Platform.User other = platform.registerWithProfile();
        String postId = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder().setText("like me").build())
                .getPost()
                .getId();
        LikePostRequest like = LikePostRequest.newBuilder().setPostId(postId).build();

        Post liked = platform.contentAs(fan).likePost(like).getPost();
        assertThat(liked.getLikeCount()).isEqualTo(1);
        assertThat(liked.getLikedByCaller()).isTrue();
        assertThat(platform.contentAs(fan).likePost(like).getPost().getLikeCount())
                .isEqualTo(1);
        assertThat(platform.contentAs(other).likePost(like).getPost().getLikeCount())
                .isEqualTo(2);

        Post seenByAuthor = platform.contentAs(author)
                .getPost(GetPostRequest.newBuilder().setPostId(postId).build())
                .getPost();
        assertThat(seenByAuthor.getLikeCount()).isEqualTo(2);
        assertThat(seenByAuthor.getLikedByCaller()).isFalse();
        // The batch read a feed page is hydrated with: each caller's own like, in the same statement.
        String unliked = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder().setText("not liked").build())
                .getPost()
                .getId();
        GetPostsRequest both = GetPostsRequest.newBuilder()
                .addPostIds(unliked)
                .addPostIds(postId)
                .build();
        assertThat(platform.contentAs(fan).getPosts(both).getPostsList())
                .extracting(Post::getId, Post::getLikedByCaller, Post::getLikeCount)
                .containsExactly(tuple(unliked, false, 0L), tuple(postId, true, 2L));
        assertThat(platform.contentAs(author).getPosts(both).getPostsList())
                .extracting(Post::getLikedByCaller)
                .containsExactly(false, false);

        UnlikePostRequest unlike =
                UnlikePostRequest.newBuilder().setPostId(postId).build();
        Post afterUnlike = platform.contentAs(fan).unlikePost(unlike).getPost();
        assertThat(afterUnlike.getLikeCount()).isEqualTo(1);
        assertThat(afterUnlike.getLikedByCaller()).isFalse();
        assertThat(platform.contentAs(fan).unlikePost(unlike).getPost().getLikeCount())
                .isEqualTo(1);
        assertThat(failure(() -> platform.contentAs(fan)
                                .unlikePost(UnlikePostRequest.newBuilder()
                                        .setPostId(UUID.randomUUID().toString())
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        List<Map<String, String>> events = awaitEvents(postId, 4);
        assertThat(events)
                .extracting(event -> event.get("event-type"))
                .containsExactly("PostCreated", "PostLiked", "PostLiked", "PostUnliked");
        assertThat(events.get(1).get("payload")).contains(fan.id()).contains("\"likeCount\":1");
    }

    @Test
    void concurrentLikesAndUnlikesKeepTheCountExact() throws Exception {
        Platform.User author = platform.registerWithProfile();
        String postId = platform.contentAs(author)
                .createPost(CreatePostRequest.newBuilder().setText("popular").build())
                .getPost()
                .getId();
        List<Platform.User> fans = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            fans.add(platform.registerWithProfile());
        }
        LikePostRequest like = LikePostRequest.newBuilder().setPostId(postId).build();
        UnlikePostRequest unlike =
                UnlikePostRequest.newBuilder().setPostId(postId).build();

        // Every fan likes twice at once: each like counts once, and every answer shows a count the
        // post really had (1..8), never a lost update.
        List<Long> likeCounts = concurrently(
                fans, fan -> platform.contentAs(fan).likePost(like).getPost().getLikeCount(), 2);
        assertThat(likeCounts).allSatisfy(count -> assertThat(count).isBetween(1L, 8L));
        assertThat(platform.contentAs(author)
                        .getPost(GetPostRequest.newBuilder().setPostId(postId).build())
                        .getPost()
                        .getLikeCount())
                .isEqualTo(8);

        List<Long> unlikeCounts = concurrently(
                fans,
                fan -> platform.contentAs(fan).unlikePost(unlike).getPost().getLikeCount(),
                2);
        assertThat(unlikeCounts).allSatisfy(count -> assertThat(count).isBetween(0L, 7L));
        assertThat(platform.contentAs(author)
                        .getPost(GetPostRequest.newBuilder().setPostId(postId).build())
                        .getPost()
                        .getLikeCount())
                .isZero();

        platform.contentAs(author)
                .deletePost(DeletePostRequest.newBuilder().setPostId(postId).build());
        assertThat(failure(() -> platform.contentAs(fans.get(0)).likePost(like)).code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> platform.contentAs(fans.get(0)).unlikePost(unlike))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    /** Runs {@code call} for every user {@code times} times, all at once; the answers in any order. */
    private static <T> List<T> concurrently(List<Platform.User> users, Function<Platform.User, T> call, int times)
            throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> answers = new ArrayList<>();
            for (Platform.User user : users) {
                for (int i = 0; i < times; i++) {
                    answers.add(executor.submit(() -> {
                        start.await();
                        return call.apply(user);
                    }));
                }
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (var answer : answers) {
                results.add(answer.get());
            }
            return results;
        }
    }

    @Test
    void paginationOverTwentyFivePostsReturnsEachOnceNewestFirst() {
        Platform.User author = platform.registerWithProfile();
        Platform.User reader = platform.registerWithProfile();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            created.add(platform.contentAs(author)
                    .createPost(
                            CreatePostRequest.newBuilder().setText("post " + i).build())
                    .getPost()
                    .getId());
        }
        platform.contentAs(reader)
                .likePost(
                        LikePostRequest.newBuilder().setPostId(created.get(24)).build());

        List<String> listed = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        List<Boolean> likedByReader = new ArrayList<>();
        String cursor = "";
        do {
            ListPostsByAuthorResponse page = platform.contentAs(reader)
                    .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                            .setAuthorId(author.id())
                            .setPage(PageRequest.newBuilder().setLimit(10).setCursor(cursor))
                            .build());
            page.getPostsList().forEach(post -> {
                listed.add(post.getId());
                likedByReader.add(post.getLikedByCaller());
            });
            sizes.add(page.getPostsCount());
            cursor = page.getPage().getNextCursor();
        } while (!cursor.isEmpty());

        assertThat(sizes).containsExactly(10, 10, 5);
        List<String> newestFirst = new ArrayList<>(created);
        Collections.reverse(newestFirst);
        assertThat(listed).containsExactlyElementsOf(newestFirst);
        assertThat(likedByReader.getFirst()).isTrue();
        assertThat(likedByReader.subList(1, 25)).containsOnly(false);

        // The default page is 20; an author without posts has an empty list.
        assertThat(platform.contentAs(reader)
                        .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                                .setAuthorId(author.id())
                                .build())
                        .getPostsCount())
                .isEqualTo(20);
        var none = platform.contentAs(reader)
                .listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                        .setAuthorId(UUID.randomUUID().toString())
                        .build());
        assertThat(none.getPostsList()).isEmpty();
        assertThat(none.getPage().getNextCursor()).isEmpty();
    }

    @Test
    void batchLookupKeepsTheOrderAndSkipsUnknownAndDeletedPosts() {
        Platform.User author = platform.registerWithProfile();
        var content = platform.contentAs(author);
        String first = content.createPost(
                        CreatePostRequest.newBuilder().setText("one").build())
                .getPost()
                .getId();
        String second = content.createPost(
                        CreatePostRequest.newBuilder().setText("two").build())
                .getPost()
                .getId();
        String deleted = content.createPost(
                        CreatePostRequest.newBuilder().setText("gone").build())
                .getPost()
                .getId();
        content.deletePost(DeletePostRequest.newBuilder().setPostId(deleted).build());

        List<Post> posts = content.getPosts(GetPostsRequest.newBuilder()
                        .addPostIds(second)
                        .addPostIds(deleted)
                        .addPostIds(UUID.randomUUID().toString())
                        .addPostIds(first)
                        .addPostIds(second)
                        .build())
                .getPostsList();
        assertThat(posts).extracting(Post::getText).containsExactly("two", "one");
    }

    @Test
    void invalidInputNamesEveryBadField() {
        Platform.User user = platform.registerWithProfile();
        var content = platform.contentAs(user);
        assertThat(violatedFields(() -> content.getPost(
                        GetPostRequest.newBuilder().setPostId("nope").build())))
                .containsExactly("post_id");
        assertThat(violatedFields(() -> content.likePost(LikePostRequest.getDefaultInstance())))
                .containsExactly("post_id");
        assertThat(violatedFields(() -> content.deletePost(
                        DeletePostRequest.newBuilder().setPostId("1-1-1-1-1").build())))
                .containsExactly("post_id");
        assertThat(violatedFields(() -> content.getPosts(GetPostsRequest.getDefaultInstance())))
                .containsExactly("post_ids");
        assertThat(violatedFields(() -> content.getPosts(GetPostsRequest.newBuilder()
                        .addAllPostIds(IntStream.range(0, 101)
                                .mapToObj(i -> UUID.randomUUID().toString())
                                .toList())
                        .build())))
                .containsExactly("post_ids");
        assertThat(violatedFields(() -> content.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                        .setAuthorId("me")
                        .setPage(PageRequest.newBuilder().setLimit(101).setCursor("garbage!"))
                        .build())))
                .containsExactlyInAnyOrder("author_id", "page.limit", "page.cursor");

        // A cursor belongs to the author it was issued for.
        for (int i = 0; i < 2; i++) {
            content.createPost(CreatePostRequest.newBuilder().setText("p" + i).build());
        }
        String cursor = content.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                        .setAuthorId(user.id())
                        .setPage(PageRequest.newBuilder().setLimit(1))
                        .build())
                .getPage()
                .getNextCursor();
        assertThat(cursor).isNotEmpty();
        assertThat(violatedFields(() -> content.listPostsByAuthor(ListPostsByAuthorRequest.newBuilder()
                        .setAuthorId(UUID.randomUUID().toString())
                        .setPage(PageRequest.newBuilder().setCursor(cursor))
                        .build())))
                .containsExactly("page.cursor");
    }

    @Test
    void callsWithoutATokenAreUnauthenticated() {
        assertThat(failure(() -> platform.contentAnonymously()
                                .createPost(CreatePostRequest.newBuilder()
                                        .setText("anonymous")
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
        assertThat(failure(() -> platform.contentAnonymously()
                                .getPost(GetPostRequest.newBuilder()
                                        .setPostId(UUID.randomUUID().toString())
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    @Test
    void postingTooFastIsRateLimitedPerAuthor() {
        Platform.User author = platform.registerWithProfile();
        var content = platform.contentAs(author);
        for (int i = 0; i < 30; i++) {
            content.createPost(
                    CreatePostRequest.newBuilder().setText("burst " + i).build());
        }
        NovaException limited = failure(() -> content.createPost(
                CreatePostRequest.newBuilder().setText("one more").build()));
        assertThat(limited.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(limited.reason()).contains("RATE_LIMITED");
        assertThat(limited.retryAfter())
                .hasValueSatisfying(wait -> assertThat(wait).isPositive());

        Platform.User someoneElse = platform.registerWithProfile();
        assertThat(platform.contentAs(someoneElse)
                        .createPost(
                                CreatePostRequest.newBuilder().setText("fine").build())
                        .getPost()
                        .getText())
                .isEqualTo("fine");
    }

    /** Entries of nova.events.post about one post, in stream order, once at least {@code count} arrived. */
    private static List<Map<String, String>> awaitEvents(String postId, int count) {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            return await().atMost(Duration.ofSeconds(5))
                    .pollInterval(Duration.ofMillis(50))
                    .until(
                            () -> redis.xrange("nova.events.post", (StreamEntryID) null, (StreamEntryID) null).stream()
                                    .map(entry -> entry.getFields())
                                    .filter(fields -> postId.equals(fields.get("aggregate-id")))
                                    .toList(),
                            events -> events.size() >= count);
        }
    }
}
