package social.nova.gateway;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.google.protobuf.Timestamp;
import social.nova.contracts.auth.v1.TokenPair;
import social.nova.contracts.common.v1.PageResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.GetFeedResponse;
import social.nova.contracts.feed.v1.GetTrendingResponse;
import social.nova.contracts.messaging.v1.Conversation;
import social.nova.contracts.messaging.v1.GetUnreadCountResponse;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.streaming.v1.LiveStream;
import social.nova.contracts.streaming.v1.StartStreamResponse;
import social.nova.contracts.streaming.v1.StreamStatus;
import social.nova.contracts.streaming.v1.WatchStreamResponse;
import social.nova.contracts.user.v1.Profile;

/**
 * The JSON shapes of the HTTP API, and how each is made from the services' protos. Times are
 * ISO-8601 in UTC ({@code 2026-01-31T12:00:00Z}); an absent cursor is {@code null}.
 */
final class Views {
    private Views() {}

    /** {@code POST /api/v1/auth/register}. */
    record Registered(String userId) {}

    /** {@code login} and {@code refresh}. */
    record Tokens(String accessToken, String refreshToken, long expiresIn, String tokenType) {
        static Tokens of(TokenPair tokens) {
            return new Tokens(
                    tokens.getAccessToken(),
                    tokens.getRefreshToken(),
                    tokens.getExpiresInSeconds(),
                    tokens.getTokenType());
        }
    }

    /** A user's public profile. */
    record ProfileView(
            String id,
            String username,
            String displayName,
            String bio,
            long followers,
            long following,
            String createdAt,
            boolean emailVerified) {
        static ProfileView of(Profile profile) {
            return new ProfileView(
                    profile.getId(),
                    profile.getUsername(),
                    profile.getDisplayName(),
                    profile.getBio(),
                    profile.getFollowerCount(),
                    profile.getFollowingCount(),
                    time(profile.hasCreatedAt(), profile.getCreatedAt()),
                    profile.getEmailVerified());
        }

        static Page<ProfileView> page(List<Profile> profiles, PageResponse page) {
            return Page.of(profiles.stream().map(ProfileView::of).toList(), page.getNextCursor());
        }
    }

    /** A post; {@code mediaIds} in the author's order, empty for a text-only post. */
    record PostView(
            String id,
            String authorId,
            String text,
            List<String> mediaIds,
            long likes,
            boolean likedByMe,
            String createdAt) {
        static PostView of(Post post) {
            return new PostView(
                    post.getId(),
                    post.getAuthorId(),
                    post.getText(),
                    List.copyOf(post.getMediaIdsList()),
                    post.getLikeCount(),
                    post.getLikedByCaller(),
                    time(post.hasCreatedAt(), post.getCreatedAt()));
        }

        static Page<PostView> page(List<Post> posts, PageResponse page) {
            return Page.of(posts.stream().map(PostView::of).toList(), page.getNextCursor());
        }
    }

    /**
     * {@code GET /api/v1/feed}: one page of posts, the next cursor and, on the first page, the
     * followed users' streams live now (newest first; always present, empty when none or on a later page).
     */
    record Feed(List<PostView> items, String nextCursor, List<LiveNowView> liveStreams) {
        static Feed of(GetFeedResponse feed) {
            Page<PostView> page = Page.of(
                    feed.getItemsList().stream()
                            .map(item -> PostView.of(item.getPost()))
                            .toList(),
                    feed.getPage().getNextCursor());
            return new Feed(
                    page.items(),
                    page.nextCursor(),
                    feed.getLiveStreamsList().stream().map(LiveNowView::of).toList());
        }
    }

    /**
     * A stream of a followed user, live now, as the feed lists it; {@code id} is the stream's id of
     * {@code GET /api/v1/streams/{id}}.
     */
    record LiveNowView(String id, String ownerId, String title, String playbackUrl, String liveAt) {
        static LiveNowView of(social.nova.contracts.feed.v1.LiveStream stream) {
            return new LiveNowView(
                    stream.getStreamId(),
                    stream.getOwnerId(),
                    stream.getTitle(),
                    stream.getPlaybackUrl(),
                    time(stream.hasLiveAt(), stream.getLiveAt()));
        }
    }

    /** {@code GET /api/v1/feed/trending}: posts best first, and when the list was computed. */
    record Trending(List<TrendingView> items, String computedAt) {
        static Trending of(GetTrendingResponse trending) {
            return new Trending(
                    trending.getPostsList().stream()
                            .map(item -> new TrendingView(PostView.of(item.getPost()), item.getScore()))
                            .toList(),
                    time(trending.hasComputedAt(), trending.getComputedAt()));
        }
    }

    /** One trending post and its score (likes weighted by recency). */
    record TrendingView(PostView post, double score) {}

    /** One post found by {@code GET /api/v1/search/posts}, with its highlighted excerpt. */
    record PostHitView(PostView post, String snippet) {}

    /** {@code GET /api/v1/experiments/{key}/assignment}: the caller's variant. */
    record Assignment(String experiment, String variant) {}

    /** A conversation as its participants see it; {@code title} is null for a two-person one. */
    record ConversationView(String id, List<String> participantIds, String title, String createdAt) {
        static ConversationView of(Conversation conversation) {
            return new ConversationView(
                    conversation.getId(),
                    List.copyOf(conversation.getParticipantIdsList()),
                    orNull(conversation.getTitle()),
                    time(conversation.hasCreatedAt(), conversation.getCreatedAt()));
        }
    }

    /**
     * One entry of {@code GET /api/v1/conversations}: the conversation, the caller's unread count
     * in it and its newest message (null before the first one).
     */
    record ConversationSummaryView(
            String id,
            List<String> participantIds,
            String title,
            String createdAt,
            long unreadCount,
            MessageView lastMessage) {
        static ConversationSummaryView of(Conversation conversation) {
            return new ConversationSummaryView(
                    conversation.getId(),
                    List.copyOf(conversation.getParticipantIdsList()),
                    orNull(conversation.getTitle()),
                    time(conversation.hasCreatedAt(), conversation.getCreatedAt()),
                    conversation.getUnreadCount(),
                    conversation.hasLastMessage() ? MessageView.of(conversation.getLastMessage()) : null);
        }
    }

    /**
     * A message; {@code createdAt} is when messaging-service stored it ({@code sent_at}). The sender's
     * idempotency key stays out: the API answers it to nobody.
     */
    record MessageView(String id, String conversationId, String senderId, String text, String createdAt) {
        static MessageView of(Message message) {
            return new MessageView(
                    message.getId(),
                    message.getConversationId(),
                    message.getSenderId(),
                    message.getText(),
                    time(message.hasSentAt(), message.getSentAt()));
        }

        static Page<MessageView> page(List<Message> messages, PageResponse page) {
            return Page.of(messages.stream().map(MessageView::of).toList(), page.getNextCursor());
        }
    }

    /** {@code GET /api/v1/conversations/unread}. */
    record UnreadCounts(long unreadMessages, long unreadConversations) {
        static UnreadCounts of(GetUnreadCountResponse counts) {
            return new UnreadCounts(counts.getUnreadMessages(), counts.getUnreadConversations());
        }
    }

    /**
     * A live stream as anyone may see it: {@code status} {@code STARTING}, {@code LIVE} or
     * {@code ENDED}, {@code description} null when there is none, {@code endedAt} null until it has
     * ended. {@code peakViewers} is only in {@code GET /api/v1/streams/{id}} (streaming-service's
     * GetStream tells it; its list does not): elsewhere the field is left out, not null. The
     * broadcaster's ingest key is never in it.
     */
    record LiveStreamView(
            String id,
            String ownerId,
            String title,
            String description,
            String status,
            long viewerCount,
            @JsonInclude(JsonInclude.Include.NON_NULL) Long peakViewers,
            String playbackUrl,
            String startedAt,
            String endedAt) {
        static LiveStreamView of(LiveStream stream) {
            return of(stream, null);
        }

        static LiveStreamView of(LiveStream stream, Long peakViewers) {
            return new LiveStreamView(
                    stream.getId(),
                    stream.getOwnerId(),
                    stream.getTitle(),
                    orNull(stream.getDescription()),
                    streamStatus(stream.getStatus()),
                    stream.getViewerCount(),
                    peakViewers,
                    stream.getPlaybackUrl(),
                    time(stream.hasStartedAt(), stream.getStartedAt()),
                    time(stream.hasEndedAt(), stream.getEndedAt()));
        }

        static Page<LiveStreamView> page(List<LiveStream> streams, PageResponse page) {
            return Page.of(streams.stream().map(LiveStreamView::of).toList(), page.getNextCursor());
        }
    }

    /**
     * {@code POST /api/v1/streams}: the new stream, and where the broadcaster's encoder sends the
     * video ({@code ingestUrl}, with the secret {@code streamKey}; no other answer carries them).
     */
    record StartedLiveStream(
            String id,
            String ownerId,
            String title,
            String description,
            String status,
            long viewerCount,
            String playbackUrl,
            String startedAt,
            String endedAt,
            String ingestUrl,
            String streamKey) {
        static StartedLiveStream of(StartStreamResponse started) {
            LiveStreamView stream = LiveStreamView.of(started.getStream());
            return new StartedLiveStream(
                    stream.id(),
                    stream.ownerId(),
                    stream.title(),
                    stream.description(),
                    stream.status(),
                    stream.viewerCount(),
                    stream.playbackUrl(),
                    stream.startedAt(),
                    stream.endedAt(),
                    started.getIngestUrl(),
                    started.getStreamKey());
        }
    }

    /** One event of {@code GET /api/v1/streams/{id}/events}: the stream's status and viewers then. */
    record LiveStreamUpdate(String status, long viewerCount, String updatedAt) {
        static LiveStreamUpdate of(WatchStreamResponse update) {
            return new LiveStreamUpdate(
                    streamStatus(update.getStatus()),
                    update.getViewerCount(),
                    time(update.hasUpdatedAt(), update.getUpdatedAt()));
        }
    }

    /** One page of a list; {@code nextCursor} is null on the last page. */
    record Page<T>(List<T> items, String nextCursor) {
        static <T> Page<T> of(List<T> items, String nextCursor) {
            return new Page<>(List.copyOf(items), nextCursor == null || nextCursor.isEmpty() ? null : nextCursor);
        }
    }

    private static String orNull(String value) {
        return value.isEmpty() ? null : value;
    }

    /** {@code STREAM_STATUS_LIVE} as {@code LIVE}; a value newer than this gateway as {@code UNRECOGNIZED}. */
    static String streamStatus(StreamStatus status) {
        return status.name().replace("STREAM_STATUS_", "");
    }

    static String time(boolean present, Timestamp timestamp) {
        return present
                ? Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos())
                        .toString()
                : null;
    }
}
