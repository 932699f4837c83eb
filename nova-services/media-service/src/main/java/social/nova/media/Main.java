package social.nova.media;

import java.time.Clock;
import java.util.concurrent.Semaphore;

import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.kit.Caller;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;

/** media-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts media-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        MediaSettings settings = MediaSettings.create(kit.config().get("media"));
        ObjectStore objects = kit.closeOnStop(new ObjectStore(settings.storage()));
        if (settings.storage().createBucket()) {
            objects.ensureBucket();
        }
        kit.closeOnStop(new UploadSweeper(objects, settings.sweep(), Clock.systemUTC()));
        Upload.Context context = new Upload.Context(
                kit.database().jdbi(),
                new MediaStore(),
                objects,
                new RateLimiter(kit.redis(), settings.uploadLimit(), kit.meterRegistry()),
                new Semaphore(settings.maxConcurrentUploads()),
                settings,
                Clock.systemUTC());

        kit.startOutboxRelay();
        var processing = settings.processing();
        kit.subscribe(
                processing.events(),
                new Processing(
                        context.jdbi(),
                        context.store(),
                        objects,
                        new Images(processing.maxPixels(), processing.webpQuality()),
                        new Videos(processing.ffmpeg(), processing.ffprobe(), processing.videoTimeout()),
                        settings,
                        kit.meterRegistry()));
        kit.subscribe(settings.postEvents(), new Attachments(context.jdbi(), context.store()));

        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(new MediaEndpoint(new Media(context), new DirectUploads(context)));
    }
}
