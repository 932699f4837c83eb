package social.nova.messaging;

import java.time.Clock;

import io.grpc.BindableService;
import io.grpc.ServerInterceptors;
import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.contracts.user.v1.UserServiceGrpc;
import social.nova.events.EventSubscriptionSettings;
import social.nova.fcm.FcmSender;
import social.nova.fcm.FcmSettings;
import social.nova.kit.Caller;
import social.nova.kit.Paging;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;
import social.nova.redis.RedisSettings;

/** messaging-service: wires the domain to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts messaging-service on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        MessagingSettings settings = MessagingSettings.create(kit.config().get("messaging"));
        Clock clock = Clock.systemUTC();
        var meters = kit.meterRegistry();
        var jdbi = kit.database().jdbi();
        MessagingStore store = new MessagingStore();
        MessagingPermissions permissions = new MessagingPermissions(
                kit.clients().stub(MessagingPermissions.USER_SERVICE, UserServiceGrpc::newBlockingStub));
        Paging paging = new Paging(settings.cursorTtl(), clock);

        Presence presence = kit.closeOnStop(new Presence(kit.redis(), settings.presenceTtl(), clock));
        // Closed in reverse: the feed first (it ends the streams), then the streams.
        LiveStreams streams =
                kit.closeOnStop(new LiveStreams(jdbi, store, settings.maxQueuedEvents(), clock, presence));
        presence.start(streams::connectedUsers);
        kit.onDrain(streams::drain);
        LiveFeed live = kit.closeOnStop(LiveFeed.start(
                kit.redis(),
                RedisSettings.create(kit.config().get("redis")),
                settings.liveChannel(),
                settings.resubscribeDelay(),
                settings.pingInterval(),
                streams));

        Conversations conversations = new Conversations(
                jdbi,
                store,
                permissions,
                new RateLimiter(kit.redis(), settings.createConversationLimit(), meters),
                paging,
                live,
                clock);
        Messages messages = new Messages(
                jdbi,
                store,
                permissions,
                new RateLimiter(kit.redis(), settings.sendMessageLimit(), meters),
                paging,
                new MessageIds(),
                live,
                streams,
                settings.idempotencyWindow(),
                clock);

        // MessageSent events for push notifications and other consumers (nova.events.conversation).
        kit.startOutboxRelay();
        Devices devices = new Devices(jdbi, store, clock);
        // fcm.enabled false (the default): a sender that sends nothing, and says so once.
        FcmSender fcm =
                kit.closeOnStop(FcmSender.create(FcmSettings.create(kit.config().get("fcm")), devices, meters));
        kit.subscribe(
                EventSubscriptionSettings.create(kit.config().get("messaging.push.events")),
                new PushNotifications(
                        jdbi,
                        store,
                        presence,
                        devices,
                        kit.clients().stub(MessagingPermissions.USER_SERVICE, UserServiceGrpc::newBlockingStub),
                        fcm,
                        settings.pushMaxAge(),
                        clock,
                        meters));
        AuthClient auth = AuthClient.create(
                kit.clients().channel("auth-service"),
                AuthClientSettings.create(kit.config().get("auth-client")));
        kit.authenticateWith(token -> {
            var verified = auth.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        MessagingEndpoint endpoint = new MessagingEndpoint(conversations, messages, devices);
        TokenExpiry expiry = new TokenExpiry(token -> auth.verify(token).expiresAt());
        BindableService service = () -> ServerInterceptors.intercept(endpoint, expiry);
        return kit.start(service);
    }
}
