package social.nova.content;

import java.time.Clock;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.kit.Caller;
import social.nova.kit.Paging;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;

/** content-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts content-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        ContentSettings settings = ContentSettings.create(kit.config().get("content"));
        Clock clock = Clock.systemUTC();
        var meters = kit.meterRegistry();

        Posts posts = new Posts(
                kit.database().jdbi(),
                new PostStore(),
                new UserDirectory(
                        kit.clients().stub(UserDirectory.USER_SERVICE, UserServiceGrpc::newBlockingStub),
                        settings.confirmedAuthors(),
                        settings.confirmedFor()),
                new MediaLibrary(kit.clients().stub(MediaLibrary.MEDIA_SERVICE, MediaServiceGrpc::newBlockingStub)),
                new RateLimiter(kit.redis(), settings.createPostLimit(), meters),
                new Paging(settings.cursorTtl(), clock),
                clock);

        kit.startOutboxRelay();
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new ContentEndpoint(posts));
    }
}
