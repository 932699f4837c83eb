package social.nova.feed;

import java.time.Clock;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.contracts.content.v1.ContentServiceGrpc;
import social.nova.kit.Caller;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;

/** feed-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts feed-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        FeedSettings settings = FeedSettings.create(kit.config().get("feed"));
        Clock clock = Clock.systemUTC();
        var jdbi = kit.database().jdbi();

        FeedStore store = new FeedStore();
        ContentDirectory content = new ContentDirectory(
                kit.clients().stub(ContentDirectory.CONTENT_SERVICE, ContentServiceGrpc::newBlockingStub));
        Cursors cursors = new Cursors(settings.cursorTtl(), clock);
        Experiments experiments = new Experiments(jdbi, cursors);
        Feeds feeds = new Feeds(
                jdbi,
                store,
                new Snapshots(kit.redis(), settings.snapshotTtl()),
                new Cursors(settings.snapshotTtl(), clock),
                content,
                experiments,
                settings.rankingExperiment(),
                settings.snapshotMaxItems(),
                settings.liveMaxStreams(),
                clock);
        Trending trending = kit.closeOnStop(new Trending(jdbi, cursors, content, settings.trendingMaxPosts(), clock)
                .start(settings.trendingInterval()));

        // The read model is built from events (nova.events.post, nova.events.user, nova.events.stream;
        // see FeedEvents).
        FeedEvents events = new FeedEvents(
                jdbi, store, settings.backfill(), settings.celebrityThreshold(), settings.liveEndedRetention());
        kit.subscribe(settings.postEvents(), events.posts());
        kit.subscribe(settings.userEvents(), events.users());
        kit.subscribe(settings.streamEvents(), events.streams());
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new FeedEndpoint(feeds, trending, experiments));
    }
}
