package social.nova.gateway;

import io.grpc.ClientInterceptor;
import social.nova.contracts.auth.v1.AuthServiceGrpc;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.contracts.feed.v1.FeedServiceGrpc;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.search.v1.SearchServiceGrpc;
import social.nova.contracts.streaming.v1.StreamingServiceGrpc;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.ForwardedFor;
import social.nova.rpc.NovaClients;

/**
 * Blocking stubs of the services behind the gateway, on the kit's resilient channels
 * ({@code consul:///<service>}: discovery, deadlines, retries, bulkhead, circuit breaker). A call
 * made inside a request's Context carries its request id, authorization and remaining time
 * budget (nova-rpc), and the client's address as {@code x-forwarded-for}, signed (see
 * {@link ClientAddresses}).
 */
final class Backends {
    static final String AUTH_SERVICE = "auth-service";
    static final String USER_SERVICE = "user-service";
    static final String CONTENT_SERVICE = "content-service";
    static final String FEED_SERVICE = "feed-service";
    static final String SEARCH_SERVICE = "search-service";
    static final String MESSAGING_SERVICE = "messaging-service";
    static final String MEDIA_SERVICE = "media-service";
    static final String STREAMING_SERVICE = "streaming-service";
    /** HTTP/2 flow-control window of one media transfer: what a stream buffers before it waits (grpc-java's default). */
    static final int MEDIA_WINDOW_BYTES = 1024 * 1024;
    /** HTTP/2 flow-control window of one WatchStream call: its updates are a few dozen bytes each. */
    static final int WATCH_WINDOW_BYTES = 64 * 1024;

    private final AuthServiceGrpc.AuthServiceBlockingStub auth;
    private final UserServiceGrpc.UserServiceBlockingStub users;
    private final ContentServiceGrpc.ContentServiceBlockingStub content;
    private final FeedServiceGrpc.FeedServiceBlockingStub feed;
    private final SearchServiceGrpc.SearchServiceBlockingStub search;
    private final MessagingServiceGrpc.MessagingServiceBlockingStub messaging;
    private final MediaServiceGrpc.MediaServiceBlockingStub media;
    private final MediaServiceGrpc.MediaServiceStub mediaTransfers;
    private final MediaServiceGrpc.MediaServiceBlockingStub mediaDownloads;
    private final StreamingServiceGrpc.StreamingServiceBlockingStub streaming;
    private final StreamingServiceGrpc.StreamingServiceStub streamingWatches;

    Backends(NovaClients clients, ForwardedFor forwarding) {
        ClientInterceptor forwardedFor = ClientAddresses.forwardingInterceptor(forwarding);
        this.auth =
                AuthServiceGrpc.newBlockingStub(clients.channel(AUTH_SERVICE)).withInterceptors(forwardedFor);
        this.users =
                UserServiceGrpc.newBlockingStub(clients.channel(USER_SERVICE)).withInterceptors(forwardedFor);
        this.content = ContentServiceGrpc.newBlockingStub(clients.channel(CONTENT_SERVICE))
                .withInterceptors(forwardedFor);
        this.feed =
                FeedServiceGrpc.newBlockingStub(clients.channel(FEED_SERVICE)).withInterceptors(forwardedFor);
        this.search = SearchServiceGrpc.newBlockingStub(clients.channel(SEARCH_SERVICE))
                .withInterceptors(forwardedFor);
        this.messaging = MessagingServiceGrpc.newBlockingStub(clients.channel(MESSAGING_SERVICE))
                .withInterceptors(forwardedFor);
        this.media =
                MediaServiceGrpc.newBlockingStub(clients.channel(MEDIA_SERVICE)).withInterceptors(forwardedFor);
        // Uploads and downloads last as long as their bytes flow: the stream channel, which holds no
        // bulkhead slot and feeds no breaker for minutes (nova-rpc's NovaClients#streamChannel).
        var transfers = clients.streamChannel(MEDIA_SERVICE, MEDIA_WINDOW_BYTES);
        this.mediaTransfers = MediaServiceGrpc.newStub(transfers).withInterceptors(forwardedFor);
        this.mediaDownloads = MediaServiceGrpc.newBlockingStub(transfers).withInterceptors(forwardedFor);
        this.streaming = StreamingServiceGrpc.newBlockingStub(clients.channel(STREAMING_SERVICE))
                .withInterceptors(forwardedFor);
        // A WatchStream call lasts as long as its client's event stream: the stream channel, as above.
        this.streamingWatches = StreamingServiceGrpc.newStub(
                        clients.streamChannel(STREAMING_SERVICE, WATCH_WINDOW_BYTES))
                .withInterceptors(forwardedFor);
    }

    AuthServiceGrpc.AuthServiceBlockingStub auth() {
        return auth;
    }

    UserServiceGrpc.UserServiceBlockingStub users() {
        return users;
    }

    ContentServiceGrpc.ContentServiceBlockingStub content() {
        return content;
    }

    FeedServiceGrpc.FeedServiceBlockingStub feed() {
        return feed;
    }

    SearchServiceGrpc.SearchServiceBlockingStub search() {
        return search;
    }

    MessagingServiceGrpc.MessagingServiceBlockingStub messaging() {
        return messaging;
    }

    MediaServiceGrpc.MediaServiceBlockingStub media() {
        return media;
    }

    /** Uploads (client streaming) on the stream channel. */
    MediaServiceGrpc.MediaServiceStub mediaTransfers() {
        return mediaTransfers;
    }

    /** Downloads (server streaming) on the stream channel. */
    MediaServiceGrpc.MediaServiceBlockingStub mediaDownloads() {
        return mediaDownloads;
    }

    StreamingServiceGrpc.StreamingServiceBlockingStub streaming() {
        return streaming;
    }

    /** WatchStream (server streaming) on the stream channel. */
    StreamingServiceGrpc.StreamingServiceStub streamingWatches() {
        return streamingWatches;
    }
}
