package social.nova.search;

import java.time.Clock;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.kit.Caller;
import social.nova.kit.RankedPaging;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;

/** search-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts search-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        SearchSettings settings = SearchSettings.create(kit.config().get("search"));
        Clock clock = Clock.systemUTC();
        var jdbi = kit.database().jdbi();

        Search search = new Search(
                jdbi,
                new SearchStore(),
                new RateLimiter(kit.redis(), settings.searchLimit(), kit.meterRegistry()),
                new RankedPaging(settings.cursorTtl(), clock),
                settings.typoMinSimilarity(),
                clock);

        // The index is built from events only; nova.events.lag {stream, group="search-service"} is
        // how far searches trail their sources.
        IndexUpdates updates = new IndexUpdates(jdbi, new IndexStore());
        kit.subscribe(settings.userEvents(), updates);
        kit.subscribe(settings.postEvents(), updates);
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new SearchEndpoint(search));
    }
}
