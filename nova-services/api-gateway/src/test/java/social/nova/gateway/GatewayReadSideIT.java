package social.nova.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.common.v1.TimeWindow;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostResponse;
import social.nova.contracts.content.v1.GetPostsResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.ExperimentAssignment;
import social.nova.contracts.feed.v1.FeedItem;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracts.feed.v1.GetExperimentAssignmentResponse;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.feed.v1.GetTrendingResponse;
import social.nova.contracts.feed.v1.LiveStream;
import social.nova.contracts.feed.v1.TrendingPost;
import social.nova.contracts.search.v1.PostHit;
import social.nova.contracts.search.v1.SearchPostsResponse;
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.contracts.search.v1.SearchUsersResponse;
import social.nova.contracts.search.v1.UserHit;
import social.nova.contracts.user.v1.GetUserResponse;
import social.nova.contracts.user.v1.GetUsersResponse;
import social.nova.contracts.user.v1.Profile;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The read side through the gateway, in front of feed-, search-, content- and user-service stubs:
 * the JSON shapes (a feed item and a search hit are a post as {@code GET /api/v1/posts/{id}}
 * answers it, a user hit a profile as {@code GET /api/v1/users/{id}} does, the feed's live streams
 * on its first page), the hits read back as
 * profiles and posts, the parameters passed on, and the edge's own refusals (window, authorId,
 * experiment key) next to the services' (cursor, query).
 */
class GatewayReadSideIT {
    private final GatewayFixture fixture = GatewayFixture.shared();
    private final GatewayClient client = fixture.client;

    @AfterEach
    void everyCallWasStubbed() {
        fixture.assertEveryCallWasStubbed();
    }

    @Test
    void theFeedAndTrendingShowPostsAsPostsAreShown() {
        GatewayFixture.Caller reader = fixture.signIn();
        String picture = UUID.randomUUID().toString();
        Post post = post(UUID.randomUUID().toString(), "fresh from the oven").toBuilder()
                .addMediaIds(picture)
                .build();
        LiveStream live = LiveStream.newBuilder()
                .setStreamId(UUID.randomUUID().toString())
                .setOwnerId(post.getAuthorId())
                .setTitle("Baking live")
                .setPlaybackUrl("http://localhost:8090/hls/bake/index.m3u8")
                .setLiveAt(Timestamp.newBuilder().setSeconds(1_796_000_000L))
                .build();
        fixture.feed
                .stubs()
                .stub(FeedServiceGrpc.getGetFeedMethod())
                .whenHeader("authorization", reader.bearer())
                .whenField("page.limit", 1)
                .whenField("page.cursor", "")
                .willReturn(GetFeedResponse.newBuilder()
                        .addItems(FeedItem.newBuilder().setPost(post))
                        .setPage(PageResponse.newBuilder().setNextCursor("more"))
                        .addLiveStreams(live)
                        .build());
        fixture.feed
                .stubs()
                .stub(FeedServiceGrpc.getGetFeedMethod())
                .whenHeader("authorization", reader.bearer())
                .whenField("page.cursor", "more")
                .willReturn(GetFeedResponse.newBuilder()
                        .addItems(FeedItem.newBuilder().setPost(post))
                        .build());
        fixture.feed
                .stubs()
                .stub(FeedServiceGrpc.getGetFeedMethod())
                .whenHeader("authorization", reader.bearer())
                .whenField("page.cursor", "garbage")
                .willFail(NovaException.invalidArgument(
                        FieldViolation.of("page.cursor", "is not a cursor of this feed")));
        fixture.feed
                .stubs()
                .stub(FeedServiceGrpc.getGetTrendingMethod())
                .whenHeader("authorization", reader.bearer())
                .whenField("window", TimeWindow.TIME_WINDOW_HOUR)
                .willReturn(GetTrendingResponse.newBuilder()
                        .addPosts(TrendingPost.newBuilder().setPost(post).setScore(1.9))
                        .setComputedAt(
                                Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                        .build());
        fixture.content
                .stubs()
                .stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", post.getId())
                .willReturn(GetPostResponse.newBuilder().setPost(post).build());

        var feed = client.get("/api/v1/feed?limit=1", reader.accessToken());
        assertThat(feed.status()).isEqualTo(200);
        JsonNode item = feed.json().path("items").get(0);
        assertThat(item.properties())
                .extracting(Map.Entry::getKey)
                .as("a post as GET /api/v1/posts/{id} answers it")
                .containsExactly("id", "authorId", "text", "mediaIds", "likes", "likedByMe", "createdAt");
        assertThat(item.path("mediaIds")).extracting(JsonNode::asText).containsExactly(picture);
        assertThat(item)
                .isEqualTo(client.get("/api/v1/posts/" + post.getId(), reader.accessToken())
                        .json());
        assertThat(feed.json().path("nextCursor").asText()).isEqualTo("more");
        JsonNode stream = feed.json().path("liveStreams").get(0);
        assertThat(feed.json().path("liveStreams")).hasSize(1);
        assertThat(stream.properties())
                .extracting(Map.Entry::getKey)
                .containsExactly("id", "ownerId", "title", "playbackUrl", "liveAt");
        assertThat(stream.path("id").asText()).isEqualTo(live.getStreamId());
        assertThat(stream.path("ownerId").asText()).isEqualTo(post.getAuthorId());
        assertThat(stream.path("title").asText()).isEqualTo("Baking live");
        assertThat(stream.path("playbackUrl").asText()).isEqualTo("http://localhost:8090/hls/bake/index.m3u8");
        assertThat(stream.path("liveAt").asText()).isEqualTo("2026-11-30T00:53:20Z");
        var next = client.get("/api/v1/feed?limit=1&cursor=more", reader.accessToken());
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.json().path("liveStreams").isArray())
                .as("a later page: an empty list, not a missing one")
                .isTrue();
        assertThat(next.json().path("liveStreams")).isEmpty();
        assertThat(next.json().path("nextCursor").isNull()).isTrue();

        JsonNode trending = client.get("/api/v1/feed/trending?window=hour&limit=100", reader.accessToken())
                .json();
        assertThat(trending.path("computedAt").asText()).isNotBlank();
        JsonNode entry = trending.path("items").get(0);
        assertThat(entry.path("post").path("id").asText()).isEqualTo(post.getId());
        assertThat(entry.path("score").asDouble()).isEqualTo(1.9);
        assertThat(entry.path("post").path("mediaIds"))
                .extracting(JsonNode::asText)
                .containsExactly(picture);

        var badWindow = client.get("/api/v1/feed/trending?window=YEAR", reader.accessToken());
        assertThat(badWindow.status()).as("refused at the gateway").isEqualTo(400);
        assertThat(fields(badWindow.json())).containsExactly("window");
        var badCursor = client.get("/api/v1/feed?cursor=garbage", reader.accessToken());
        assertThat(badCursor.status()).isEqualTo(400);
        assertThat(fields(badCursor.json())).containsExactly("cursor");
    }

    @Test
    void anExperimentAnswersItsVariantAnd404UnlessItIsRunning() {
        GatewayFixture.Caller user = fixture.signIn();
        String draft = "draft-" + UUID.randomUUID().toString().substring(0, 8);
        var feed = fixture.feed.stubs();
        feed.stub(FeedServiceGrpc.getGetExperimentAssignmentMethod())
                .whenHeader("authorization", user.bearer())
                .whenField("experiment_key", "feed-ranking")
                .willReturn(GetExperimentAssignmentResponse.newBuilder()
                        .setAssignment(ExperimentAssignment.newBuilder()
                                .setExperimentKey("feed-ranking")
                                .setVariant("engagement"))
                        .build());
        feed.stub(FeedServiceGrpc.getGetExperimentAssignmentMethod())
                .whenHeader("authorization", user.bearer())
                .whenField("experiment_key", draft)
                .willFail(NovaException.builder(ErrorCode.FAILED_PRECONDITION, "experiment '" + draft + "' is DRAFT")
                        .reason("EXPERIMENT_NOT_RUNNING")
                        .domain("feed.nova.social")
                        .build());
        feed.stub(FeedServiceGrpc.getGetExperimentAssignmentMethod())
                .whenHeader("authorization", user.bearer())
                .whenField("experiment_key", "no-such-thing")
                .willFail(NovaException.notFound("experiment", "no-such-thing"));

        var first = client.get("/api/v1/experiments/feed-ranking/assignment", user.accessToken());
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("experiment").asText()).isEqualTo("feed-ranking");
        assertThat(first.json().path("variant").asText()).isEqualTo("engagement");

        assertThat(client.get("/api/v1/experiments/no-such-thing/assignment", user.accessToken())
                        .status())
                .isEqualTo(404);
        var notRunning = client.get("/api/v1/experiments/" + draft + "/assignment", user.accessToken());
        assertThat(notRunning.status())
                .as("a draft is not running: the route promises 404")
                .isEqualTo(404);
        assertThat(notRunning.json().path("error").path("message").asText())
                .isEqualTo("experiment '" + draft + "' is not running");
        var badKey = client.get("/api/v1/experiments/Bad_Key/assignment", user.accessToken());
        assertThat(badKey.status()).isEqualTo(400);
        assertThat(fields(badKey.json())).containsExactly("key");
    }

    @Test
    void searchAnswersProfilesAndPostsWithSnippetsAndNamesTheQueryParameters() {
        GatewayFixture.Caller caller = fixture.signIn();
        String authorId = UUID.randomUUID().toString();
        String word = "quokka" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Post post = post(authorId, "A " + word + " smiles at the camera");
        Profile author = Profile.newBuilder()
                .setId(authorId)
                .setUsername(word)
                .setDisplayName("Quokka Fan")
                .build();
        fixture.search
                .stubs()
                .stub(SearchServiceGrpc.getSearchPostsMethod())
                .whenField("query", word)
                .whenField("author_id", authorId)
                .willReturn(SearchPostsResponse.newBuilder()
                        .addHits(PostHit.newBuilder()
                                .setPostId(post.getId())
                                .setAuthorId(authorId)
                                .setSnippet("A <mark>" + word + "</mark> smiles"))
                        .build());
        fixture.search
                .stubs()
                .stub(SearchServiceGrpc.getSearchPostsMethod())
                .whenField("query", word)
                .when(
                        "another author",
                        request -> !request.getAuthorId().equals(authorId)
                                && !request.getAuthorId().isEmpty())
                .willReturn(SearchPostsResponse.getDefaultInstance());
        fixture.search
                .stubs()
                .stub(SearchServiceGrpc.getSearchUsersMethod())
                .whenField("query", word)
                .willReturn(SearchUsersResponse.newBuilder()
                        .addHits(UserHit.newBuilder().setUserId(authorId))
                        .build());
        fixture.search
                .stubs()
                .stub(SearchServiceGrpc.getSearchUsersMethod())
                .whenField("query", "")
                .willFail(NovaException.invalidArgument(FieldViolation.of("query", "must not be empty")));
        fixture.search
                .stubs()
                .stub(SearchServiceGrpc.getSearchPostsMethod())
                .whenField("query", "&|!:*")
                .willFail(NovaException.invalidArgument(FieldViolation.of("query", "must contain a word")));
        fixture.content
                .stubs()
                .stub(ContentServiceGrpc.getGetPostsMethod())
                .whenField("post_ids", List.of(post.getId()))
                .willReturn(GetPostsResponse.newBuilder().addPosts(post).build());
        fixture.content
                .stubs()
                .stub(ContentServiceGrpc.getGetPostMethod())
                .whenField("post_id", post.getId())
                .willReturn(GetPostResponse.newBuilder().setPost(post).build());
        fixture.users
                .stubs()
                .stub(UserServiceGrpc.getGetUsersMethod())
                .whenField("user_ids", List.of(authorId))
                .willReturn(GetUsersResponse.newBuilder().addProfiles(author).build());
        fixture.users
                .stubs()
                .stub(UserServiceGrpc.getGetUserMethod())
                .whenField("user_id", authorId)
                .willReturn(GetUserResponse.newBuilder().setProfile(author).build());

        JsonNode hit = client.get("/api/v1/search/posts?q=" + word + "&authorId=" + authorId, caller.accessToken())
                .json()
                .path("items")
                .get(0);
        assertThat(hit.path("post"))
                .isEqualTo(client.get("/api/v1/posts/" + post.getId(), caller.accessToken())
                        .json());
        assertThat(hit.path("snippet").asText()).contains("<mark>" + word + "</mark>");
        assertThat(client.get("/api/v1/search/posts?q=" + word + "&authorId=" + UUID.randomUUID(), caller.accessToken())
                        .json()
                        .path("items"))
                .isEmpty();

        JsonNode profile = client.get("/api/v1/search/users?q=" + word, caller.accessToken())
                .json()
                .path("items")
                .get(0);
        assertThat(profile)
                .as("a profile as GET /api/v1/users/{id} answers it")
                .isEqualTo(client.get("/api/v1/users/" + authorId, caller.accessToken())
                        .json());

        var empty = client.get("/api/v1/search/users?q=", caller.accessToken());
        assertThat(empty.status()).isEqualTo(400);
        assertThat(fields(empty.json()))
                .as("search-service's 'query' is the parameter 'q'")
                .containsExactly("q");
        var operators = client.get("/api/v1/search/posts?q=%26%7C%21%3A%2A", caller.accessToken());
        assertThat(operators.status()).isEqualTo(400);
        assertThat(fields(operators.json())).containsExactly("q");
        var badAuthor = client.get("/api/v1/search/posts?q=hello&authorId=42", caller.accessToken());
        assertThat(badAuthor.status()).as("refused at the gateway").isEqualTo(400);
        assertThat(fields(badAuthor.json())).containsExactly("authorId");
        assertThat(client.get("/api/v1/search/posts?q=hello", null).status()).isEqualTo(401);
    }

    private static Post post(String authorId, String text) {
        return Post.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setAuthorId(authorId)
                .setText(text)
                .setLikeCount(1)
                .setCreatedAt(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond()))
                .build();
    }

    private static List<String> fields(JsonNode error) {
        List<String> fields = new ArrayList<>();
        error.path("error").path("details").forEach(detail -> {
            if ("fieldViolation".equals(detail.path("type").asText())) {
                fields.add(detail.path("field").asText());
            }
        });
        return fields;
    }
}
