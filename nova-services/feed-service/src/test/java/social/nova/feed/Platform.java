package social.nova.feed;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Timestamp;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.content.v1.GetPostsResponse;
import social.nova.contracts.content.v1.Post;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracttesting.ProviderState;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.servicetesting.NovaEvents;
import social.nova.servicetesting.RegisteredStub;
import social.nova.servicetesting.StubbedAuthService;
import social.nova.testing.ConsulHealth;
import social.nova.testing.ServiceConfigs;
import social.nova.testing.SharedContainers;
import social.nova.testing.ShutdownHooks;

/**
 * feed-service, real, on the shared PostgreSQL, Redis and Consul containers, with everything it
 * depends on stood in for (nova-service-testing):
 * <ul>
 *   <li>auth-service: a registered stub publishing the key set; tokens are signed by it;</li>
 *   <li>content-service: a registered stub whose {@code GetPosts} hydrates from the posts the
 *       tests wrote ({@link #post}), with like counts and "liked by caller" as content-service
 *       computes them; and the {@code PostCreated}, {@code PostLiked}, {@code PostDeleted} events
 *       content-service would publish;</li>
 *   <li>user-service: the {@code UserFollowed}, {@code UserUnfollowed} and {@code UserBlocked}
 *       events it would publish (a block first ends the follows in both directions);</li>
 *   <li>streaming-service: the {@code StreamStarted} and {@code StreamEnded} events it would
 *       publish ({@link #goLive}, {@link #endStream}).</li>
 * </ul>
 * What feed-service relies on is pinned per post by a stub in the consumer contract: GetPosts of the
 * author's own post, asked with the author's token. No other service's jar is on the test class path.
 * Its trending lists are recomputed every 0.5 s.
 */
final class Platform implements AutoCloseable {
    static final String CONSUMER = "feed-service";
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    static final Duration STARTUP = Duration.ofSeconds(30);

    final StubbedAuthService auth;
    final RegisteredStub content;
    final RunningService feed;
    private final ManagedChannel feedChannel;
    private final Map<String, Post> posts = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> likes = new ConcurrentHashMap<>();
    private final Map<String, String> tokenOwners = new ConcurrentHashMap<>();
    private final Set<String> follows = ConcurrentHashMap.newKeySet();

    /** A user with an access token. */
    record User(String id, String username, String accessToken) {}

    /** A live stream as streaming-service announces it (StreamStarted); times in PostgreSQL's microseconds. */
    record Broadcast(String id, String ownerId, String title, String playbackUrl, Instant liveAt) {}

    private Platform() {
        auth = StubbedAuthService.start(CONSUMER, SharedContainers.consul());
        content = RegisteredStub.start(
                "content-service", ContentServiceGrpc.getServiceDescriptor(), CONSUMER, SharedContainers.consul());
        content.stubs()
                .stub(ContentServiceGrpc.getGetPostsMethod())
                .describedAs("hydrates the posts the tests wrote")
                .excludedFromContract()
                .willAnswer((request, headers) -> hydrate(request.getPostIdsList(), headers));
        ConsulHealth.awaitPassing(SharedContainers.consul(), STARTUP, "auth-service", "content-service");
        feed = startFeed("feed", "feed_service", Map.of());
        feedChannel = channelTo(feed);
    }

    static Platform shared() {
        return Shared.INSTANCE;
    }

    /**
     * A feed-service on its own schema and role, finding content-service in the shared Consul, with
     * trending recomputed every 0.5 s, under {@code overrides} (a second instance needs its own
     * schema and consumer group).
     */
    static RunningService startFeed(String schema, String role, Map<String, String> overrides) {
        Map<String, String> config = new HashMap<>();
        config.put("consul.url", SharedContainers.consulHttpUri().toString());
        config.put("feed.trending.interval", "PT0.5S");
        config.put("feed.events.posts.block-timeout", "PT0.5S");
        config.put("feed.events.users.block-timeout", "PT0.5S");
        config.put("feed.events.streams.block-timeout", "PT0.5S");
        config.putAll(overrides);
        return Main.start(ServiceKit.create(ServiceConfigs.config(Main.class, schema, role, config)));
    }

    static ManagedChannel channelTo(RunningService service) {
        return ManagedChannelBuilder.forAddress("127.0.0.1", service.port())
                .usePlaintext()
                .build();
    }

    /** feed-service as {@code user} calls it. */
    FeedServiceGrpc.FeedServiceBlockingStub feedAs(User user) {
        return feedAs(feedChannel, user);
    }

    static FeedServiceGrpc.FeedServiceBlockingStub feedAs(ManagedChannel channel, User user) {
        return FeedServiceGrpc.newBlockingStub(ClientInterceptors.intercept(channel, bearer(user.accessToken())));
    }

    FeedServiceGrpc.FeedServiceBlockingStub feedAnonymously() {
        return FeedServiceGrpc.newBlockingStub(feedChannel);
    }

    /** A new user with a token of the auth stub (feed-service needs no profile of its own). */
    User registerWithProfile() {
        String id = UUID.randomUUID().toString();
        User user = new User(id, "f_" + id.replace("-", "").substring(0, 20), auth.accessToken(id));
        tokenOwners.put(user.accessToken(), id);
        return user;
    }

    /** {@code author} writes a post: kept for GetPosts, announced as content-service does (PostCreated). */
    Post post(User author, String text) {
        Instant now = Instant.now();
        Post post = Post.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setAuthorId(author.id())
                .setText(text.strip())
                .setCreatedAt(
                        Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano() / 1000 * 1000))
                .build();
        posts.put(post.getId(), post);
        likes.put(post.getId(), ConcurrentHashMap.newKeySet());
        // What feed-service relies on, in the contract: the author's own post, hydrated with their token.
        content.stubs()
                .stub(ContentServiceGrpc.getGetPostsMethod())
                .given(ProviderState.of("a post by the caller")
                        .with("postId", post.getId())
                        .with("accessToken", author.accessToken()))
                .whenField("post_ids", List.of(post.getId()))
                .whenHeader("authorization", "Bearer " + author.accessToken())
                .describedAs("hydrates the caller's own post")
                .willAnswer((request, headers) -> hydrate(request.getPostIdsList(), headers));
        NovaEvents.postCreated(
                post.getId(),
                author.id(),
                post.getText(),
                Instant.ofEpochSecond(
                        post.getCreatedAt().getSeconds(), post.getCreatedAt().getNanos()));
        return post;
    }

    /** {@code user} likes the post (PostLiked with the new count). */
    void like(User user, Post post) {
        Set<String> likers = likes.get(post.getId());
        if (likers.add(user.id())) {
            NovaEvents.postLiked(post.getId(), post.getAuthorId(), user.id(), likers.size());
        }
    }

    /** The author deletes the post: GetPosts leaves it out, PostDeleted announces it. */
    void deletePost(User author, Post post) {
        if (posts.remove(post.getId()) != null) {
            NovaEvents.postDeleted(post.getId(), author.id());
        }
    }

    /** {@code follower} follows {@code followee} (UserFollowed, once). */
    void follow(User follower, User followee) {
        if (follows.add(follower.id() + ">" + followee.id())) {
            NovaEvents.userFollowed(follower.id(), followee.id());
        }
    }

    void unfollow(User follower, User followee) {
        if (follows.remove(follower.id() + ">" + followee.id())) {
            NovaEvents.userUnfollowed(follower.id(), followee.id());
        }
    }

    /** {@code blocker} blocks {@code blocked}: the follows between them end first, as user-service does. */
    void block(User blocker, User blocked) {
        unfollow(blocker, blocked);
        unfollow(blocked, blocker);
        NovaEvents.userBlocked(blocker.id(), blocked.id());
    }

    /** {@code owner}'s new stream goes live: StreamStarted, as streaming-service sends it when video arrives. */
    Broadcast goLive(User owner, String title) {
        String id = UUID.randomUUID().toString();
        Broadcast stream = new Broadcast(
                id,
                owner.id(),
                title,
                "http://localhost:8090/hls/" + id + "/index.m3u8",
                Instant.now().truncatedTo(ChronoUnit.MICROS));
        announceLive(stream);
        return stream;
    }

    /** StreamStarted of {@code stream} (again: an event delivered twice, or replayed, has an event id of its own). */
    void announceLive(Broadcast stream) {
        NovaEvents.streamStarted(
                stream.id(),
                stream.ownerId(),
                stream.title(),
                stream.playbackUrl(),
                stream.liveAt().minusSeconds(3),
                stream.liveAt());
    }

    /** The broadcaster ends {@code stream}: StreamEnded. */
    void endStream(Broadcast stream) {
        NovaEvents.streamEnded(stream.id(), stream.ownerId(), "OWNER_ENDED", 2, true);
    }

    /** GetPosts as content-service answers it: the existing posts among the ids, in their order. */
    private GetPostsResponse hydrate(List<String> ids, Map<String, String> headers) {
        String caller =
                tokenOwners.get(headers.getOrDefault("authorization", "").replaceFirst("^Bearer ", ""));
        GetPostsResponse.Builder answer = GetPostsResponse.newBuilder();
        ids.stream().map(posts::get).filter(Objects::nonNull).forEach(post -> {
            Set<String> likers = likes.getOrDefault(post.getId(), Set.of());
            answer.addPosts(post.toBuilder().setLikeCount(likers.size()).setLikedByCaller(likers.contains(caller)));
        });
        return answer.build();
    }

    /** The shared PostgreSQL as its superuser (to look into feed-service's tables). */
    static Connection database() throws SQLException {
        return DriverManager.getConnection(
                SharedContainers.postgres().getJdbcUrl(),
                SharedContainers.SUPERUSER,
                SharedContainers.SUPERUSER_PASSWORD);
    }

    private static io.grpc.ClientInterceptor bearer(String token) {
        Metadata headers = new Metadata();
        headers.put(AUTHORIZATION, "Bearer " + token);
        return MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    @Override
    public void close() throws InterruptedException {
        feedChannel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        feed.stop();
        content.close();
        auth.close();
    }

    private static final class Shared {
        static final Platform INSTANCE = ShutdownHooks.closeAtExit(new Platform());
    }
}
