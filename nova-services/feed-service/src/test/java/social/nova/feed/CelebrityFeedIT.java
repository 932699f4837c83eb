package social.nova.feed;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageRequest;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.FeedReason;
import social.nova.contracts.feed.v1.GetFeedRequest;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.kit.RunningService;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The celebrity path: a second feed-service (schema {@code feed_celebrity}, its own consumer
 * groups) whose celebrity threshold is 2 followers. An author with three followers is not fanned
 * out: the post is only in the author's own timeline, and GetFeed merges it in for the followers
 * when it reads, still honouring unfollows and blocks. An author with one follower is fanned out.
 */
class CelebrityFeedIT {
    /** Eventually, not a timing promise (see FeedServiceIT.WITHIN). */
    private static final Duration WITHIN = FeedServiceIT.WITHIN;

    private static final Duration CATCH_UP = Duration.ofSeconds(120);
    private static RunningService feed;
    private static ManagedChannel channel;
    private final Platform platform = Platform.shared();

    @BeforeAll
    static void startAFeedServiceWithThresholdTwo() {
        Platform.shared();
        feed = Platform.startFeed(
                "feed_celebrity",
                "feed_celebrity_service",
                Map.of(
                        "feed.fanout.celebrity-threshold", "2",
                        "feed.events.posts.group", "feed-service-celebrity-it",
                        "feed.events.users.group", "feed-service-celebrity-it",
                        "feed.events.streams.group", "feed-service-celebrity-it"));
        channel = Platform.channelTo(feed);
        awaitCaughtUp(Platform.shared());
    }

    /**
     * A new consumer group starts at the beginning of the streams, so this instance first replays
     * everything the other test classes published (FeedServiceIT alone sends 1,000 follows). One
     * follow and then one post sent now are handled only after that backlog: once they show, the test's
     * own checks are about fresh events. (CI once needed more than 10 s for the replay.)
     */
    private static void awaitCaughtUp(Platform platform) {
        Platform.User follower = platform.registerWithProfile();
        Platform.User followee = platform.registerWithProfile();
        platform.follow(follower, followee);
        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).until(() -> followerCount(followee) == 1);
        Post marker = platform.post(followee, "caught up");
        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(200)).until(() -> timelineRows(marker.getId()) == 2);
    }

    @AfterAll
    static void stop() throws InterruptedException {
        channel.shutdownNow();
        feed.stop();
    }

    @Test
    void aCelebritysPostIsMergedInAtReadTimeInsteadOfFannedOut() throws Exception {
        Platform.User celebrity = platform.registerWithProfile();
        Platform.User regular = platform.registerWithProfile();
        List<Platform.User> fans =
                List.of(platform.registerWithProfile(), platform.registerWithProfile(), platform.registerWithProfile());
        for (Platform.User fan : fans) {
            platform.follow(fan, celebrity);
        }
        Platform.User fan = fans.getFirst();
        platform.follow(fan, regular);
        await().atMost(WITHIN).until(() -> followerCount(celebrity) == 3 && followerCount(regular) == 1);

        Post star = post(celebrity, "to my many fans");
        Post plain = post(regular, "to my one follower");
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(postIds(feed(fan))).containsExactly(plain.getId(), star.getId());
            assertThat(postIds(feed(fans.get(1)))).containsExactly(star.getId());
        });
        GetFeedResponse page = feed(fan);
        assertThat(page.getItemsList())
                .allSatisfy(item -> assertThat(item.getReason()).isEqualTo(FeedReason.FEED_REASON_FOLLOWING));
        assertThat(postIds(feed(celebrity))).containsExactly(star.getId());
        // Not fanned out: the celebrity's post is only in the celebrity's own timeline; the regular one in two.
        assertThat(timelineRows(star.getId())).isEqualTo(1);
        assertThat(timelineRows(plain.getId())).isEqualTo(2);

        platform.unfollow(fan, celebrity);
        platform.block(celebrity, fans.get(1));
        await().atMost(WITHIN).untilAsserted(() -> {
            assertThat(postIds(feed(fan))).containsExactly(plain.getId());
            assertThat(postIds(feed(fans.get(1)))).isEmpty();
            assertThat(postIds(feed(fans.get(2)))).containsExactly(star.getId());
        });
    }

    private Post post(Platform.User author, String text) {
        return platform.post(author, text);
    }

    private GetFeedResponse feed(Platform.User user) {
        return Platform.feedAs(channel, user)
                .getFeed(GetFeedRequest.newBuilder()
                        .setPage(PageRequest.newBuilder().setLimit(100))
                        .build());
    }

    private static List<String> postIds(GetFeedResponse response) {
        return response.getItemsList().stream()
                .map(item -> item.getPost().getId())
                .toList();
    }

    private static long followerCount(Platform.User user) throws Exception {
        return FeedServiceIT.count(
                "SELECT coalesce(max(followers), 0) FROM feed_celebrity.follower_counts WHERE user_id = ?::uuid",
                user.id());
    }

    private static long timelineRows(String postId) throws Exception {
        return FeedServiceIT.count("SELECT count(*) FROM feed_celebrity.timeline WHERE post_id = ?::uuid", postId);
    }
}
