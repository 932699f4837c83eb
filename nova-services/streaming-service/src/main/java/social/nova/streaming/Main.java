package social.nova.streaming;

import java.time.Clock;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.Caller;
import social.nova.kit.Paging;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;

/** streaming-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts streaming-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        StreamingSettings settings = StreamingSettings.create(kit.config().get("streaming"));
        Clock clock = Clock.systemUTC();
        var jdbi = kit.database().jdbi();
        StreamStore store = new StreamStore();
        Viewers viewers = new Viewers(kit.redis(), settings.presenceTtl(), clock);
        MediaServer mediaServer = kit.closeOnStop(new MediaServer(settings.controlUrl()));
        Streams streams = new Streams(
                jdbi,
                store,
                viewers,
                new Audience(kit.clients().stub(Audience.USER_SERVICE, UserServiceGrpc::newBlockingStub)),
                mediaServer,
                new RateLimiter(kit.redis(), settings.startLimit(), kit.meterRegistry()),
                new Paging(settings.cursorTtl(), clock),
                settings,
                clock);
        Watchers watchers = kit.closeOnStop(new Watchers(jdbi, store, viewers, settings.watchInterval(), clock))
                .start();
        kit.onDrain(watchers::drain);
        kit.closeOnStop(new Sweeper(streams, settings.sweepInterval()).start());

        // StreamStarted and StreamEnded (nova.events.stream).
        kit.startOutboxRelay();
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        LOG.log(System.Logger.Level.INFO, "Streaming with " + settings);
        MediaServerCallbacks callbacks = new MediaServerCallbacks(streams, settings.callbackSecret());
        return kit.start(
                routing -> routing.register(MediaServerCallbacks.PATH, callbacks),
                new StreamingEndpoint(streams, watchers, settings));
    }
}
