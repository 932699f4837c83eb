package social.nova.user;

import java.time.Clock;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.kit.Caller;
import social.nova.kit.Paging;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.Cache;
import social.nova.redis.RateLimiter;

/** user-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts user-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        UserSettings settings = UserSettings.create(kit.config().get("user"));
        var jdbi = kit.database().jdbi();
        var meters = kit.meterRegistry();
        var redis = kit.redis();

        ProfileStore profileStore = new ProfileStore();
        GraphStore graphStore = new GraphStore();
        Clock clock = Clock.systemUTC();
        Profiles profiles = new Profiles(
                jdbi,
                profileStore,
                graphStore,
                new Cache(redis, settings.profileCache(), meters),
                settings.profileCacheTtl(),
                clock);
        SocialGraph graph = new SocialGraph(
                jdbi,
                profileStore,
                graphStore,
                profiles,
                new RateLimiter(redis, settings.followLimit(), meters),
                new Paging(settings.cursorTtl(), clock),
                clock);
        UserPreferences preferences = new UserPreferences(jdbi, new PreferenceStore());

        // Profile and graph changes leave through the outbox (nova.events.user, see UserEvents).
        kit.startOutboxRelay();
        kit.subscribe(settings.registrations(), new UserRegistrations(profiles));
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new UserEndpoint(profiles, graph, preferences));
    }
}
