package social.nova.content;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import social.nova.db.OutboxEvent;

import static org.assertj.core.api.Assertions.assertThat;

class PostEventsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant CREATED = Instant.parse("2025-05-01T10:00:00.123456Z");
    private final List<UUID> media = List.of(UUID.randomUUID(), UUID.randomUUID());
    private final Post post =
            new Post(UUID.randomUUID(), UUID.randomUUID(), "He said \"hi\"\n", media, 3, CREATED, null);

    @Test
    void everyEventIsAboutThePostAggregateAndGoesToTheSameStream() throws Exception {
        UUID fan = UUID.randomUUID();
        Instant later = CREATED.plusSeconds(60);
        for (OutboxEvent event : new OutboxEvent[] {
            PostEvents.created(post),
            PostEvents.deleted(post, later),
            PostEvents.liked(post, fan, 4, later),
            PostEvents.unliked(post, fan, 3, later)
        }) {
            assertThat(event.aggregateType()).isEqualTo("post");
            assertThat(event.aggregateId()).isEqualTo(post.id().toString());
            JsonNode payload = JSON.readTree(event.payload());
            assertThat(payload.get("postId").asText()).isEqualTo(post.id().toString());
            assertThat(payload.get("authorId").asText())
                    .isEqualTo(post.authorId().toString());
            // Outside a gRPC call there is no request id to carry.
            assertThat(event.headers()).isEmpty();
        }
    }

    @Test
    void payloadsCarryWhatConsumersNeed() throws Exception {
        JsonNode created = JSON.readTree(PostEvents.created(post).payload());
        assertThat(created.get("text").asText()).isEqualTo(post.text());
        assertThat(Instant.parse(created.get("createdAt").asText())).isEqualTo(CREATED);
        // media-service makes these readable to the post's readers: the ids in the post's order.
        assertThat(created.get("mediaIds").isArray()).isTrue();
        assertThat(created.get("mediaIds"))
                .extracting(JsonNode::asText)
                .containsExactly(media.get(0).toString(), media.get(1).toString());

        UUID fan = UUID.randomUUID();
        OutboxEvent liked = PostEvents.liked(post, fan, 4, CREATED);
        assertThat(liked.eventType()).isEqualTo("PostLiked");
        JsonNode payload = JSON.readTree(liked.payload());
        assertThat(payload.get("userId").asText()).isEqualTo(fan.toString());
        assertThat(payload.get("likeCount").asLong()).isEqualTo(4);
        assertThat(PostEvents.unliked(post, fan, 3, CREATED).eventType()).isEqualTo("PostUnliked");
        assertThat(PostEvents.deleted(post, CREATED).eventType()).isEqualTo("PostDeleted");
    }

    @Test
    void aTextOnlyPostAnnouncesAnEmptyListOfMedia() throws Exception {
        Post textOnly = new Post(UUID.randomUUID(), UUID.randomUUID(), "just text", List.of(), 0, CREATED, null);
        JsonNode mediaIds =
                JSON.readTree(PostEvents.created(textOnly).payload()).get("mediaIds");
        assertThat(mediaIds.isArray()).isTrue();
        assertThat(mediaIds).isEmpty();
    }
}
