package social.nova.gateway;

import java.time.Instant;

import com.google.protobuf.Timestamp;
import org.junit.jupiter.api.Test;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.FeedItem;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.feed.v1.LiveStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The home feed's JSON as the API writes it: posts, the next cursor, and the followed users' live streams. */
class FeedViewsTest {
    private static final Instant AT = Instant.parse("2026-12-05T18:00:00Z");
    private final Json json = new Json(1024);

    @Test
    void aFirstPageListsTheLiveStreamsAfterItsPosts() throws Exception {
        GetFeedResponse feed = GetFeedResponse.newBuilder()
                .addItems(FeedItem.newBuilder()
                        .setPost(Post.newBuilder()
                                .setId("p")
                                .setAuthorId("a")
                                .setText("hello")
                                .setLikeCount(2)
                                .setLikedByCaller(true)
                                .setCreatedAt(timestamp(AT))))
                .setPage(PageResponse.newBuilder().setNextCursor("more"))
                .addLiveStreams(LiveStream.newBuilder()
                        .setStreamId("s2")
                        .setOwnerId("o2")
                        .setTitle("Ramen from scratch")
                        .setPlaybackUrl("https://play/s2.m3u8")
                        .setLiveAt(timestamp(AT.plusSeconds(90))))
                .addLiveStreams(LiveStream.newBuilder()
                        .setStreamId("s1")
                        .setOwnerId("o1")
                        .setTitle("Night climb")
                        .setPlaybackUrl("https://play/s1.m3u8")
                        .setLiveAt(timestamp(AT)))
                .build();

        assertThat(json.mapper().writeValueAsString(Views.Feed.of(feed)))
                .isEqualTo(
                        "{\"items\":[{\"id\":\"p\",\"authorId\":\"a\",\"text\":\"hello\",\"mediaIds\":[],\"likes\":2,"
                                + "\"likedByMe\":true,\"createdAt\":\"2026-12-05T18:00:00Z\"}],\"nextCursor\":\"more\",\"liveStreams\":["
                                + "{\"id\":\"s2\",\"ownerId\":\"o2\",\"title\":\"Ramen from scratch\","
                                + "\"playbackUrl\":\"https://play/s2.m3u8\",\"liveAt\":\"2026-12-05T18:01:30Z\"},"
                                + "{\"id\":\"s1\",\"ownerId\":\"o1\",\"title\":\"Night climb\","
                                + "\"playbackUrl\":\"https://play/s1.m3u8\",\"liveAt\":\"2026-12-05T18:00:00Z\"}]}");
    }

    @Test
    void withNoLiveStreamTheListIsEmptyNotMissing() throws Exception {
        assertThat(json.mapper().writeValueAsString(Views.Feed.of(GetFeedResponse.getDefaultInstance())))
                .isEqualTo("{\"items\":[],\"nextCursor\":null,\"liveStreams\":[]}");
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder()
                .setSeconds(instant.getEpochSecond())
                .setNanos(instant.getNano())
                .build();
    }
}
