package social.nova.gateway;

import java.time.Clock;
import java.util.function.Consumer;

import io.grpc.ClientInterceptors;
import io.helidon.webserver.http.HttpRouting;
import social.nova.clients.auth.AuthClient;
import social.nova.clients.auth.AuthClientSettings;
import social.nova.clients.auth.VerifiedToken;
import social.nova.discovery.ConsulSettings;
import social.nova.kit.Caller;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;
import social.nova.redis.RateLimiter;

/** api-gateway: wires the HTTP routes and the fleet view to the service kit. Every tunable is in application.yaml. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        start(ServiceKit.create());
    }

    /** Starts the gateway on a kit (tests pass one with their own config). */
    public static RunningService start(ServiceKit kit) {
        GatewaySettings settings = GatewaySettings.create(kit.config().get("gateway"));
        var clients = kit.clients();
        AuthClient authClient = AuthClient.create(
                clients.channel(Backends.AUTH_SERVICE),
                AuthClientSettings.create(kit.config().get("auth-client")));
        Backends backends = new Backends(clients, kit.forwardedFor());
        Authentication authentication = new Authentication(authClient);
        Json json = new Json(settings.maxBodyBytes());
        Fleet fleet = kit.closeOnStop(new Fleet(
                ConsulSettings.create(kit.config().get("consul")),
                clients,
                settings.downstreamServices(),
                settings.fleetCacheFor(),
                settings.fleetMaxWait(),
                Clock.systemUTC()));
        EdgeFilter edge = kit.closeOnStop(new EdgeFilter(
                new ClientAddresses(settings.trustForwardedFor()),
                new RateLimiter(kit.redis(), settings.clientRateLimit(), kit.meterRegistry()),
                settings.requestTimeout(),
                kit.meterRegistry()));
        ErrorResponses errors = new ErrorResponses(
                json, settings.retryAfterUnavailable(), DocumentedRoutes.ofOpenApiDocument(json.mapper()));
        RealtimeSettings realtimeSettings = RealtimeSettings.create(kit.config().get("gateway.realtime"));
        RealtimeBridge realtime = kit.closeOnStop(new RealtimeBridge(
                realtimeSettings,
                authentication,
                json,
                ClientInterceptors.intercept(
                        clients.streamChannel(Backends.MESSAGING_SERVICE, realtimeSettings.streamWindowBytes()),
                        ClientAddresses.forwardingInterceptor(kit.forwardedFor()))));
        kit.addServerFeature(new RealtimeFeature(realtime)).onDrain(realtime::goAway);
        LiveStreamEvents liveStreamEvents = new LiveStreamEvents(
                LiveStreamEventsSettings.create(kit.config().get("gateway.live-streams.events")),
                backends.streamingWatches(),
                json,
                errors);
        kit.onDrain(liveStreamEvents::goAway);

        Consumer<HttpRouting.Builder> http = routing -> routing.addFilter(edge)
                .addFilter(realtime.upgradeFilter())
                .error(Throwable.class, errors)
                .register("/api/v1/auth", new AuthRoutes(backends, authentication, json))
                .register("/api/v1/users", new UserRoutes(backends, authentication, json))
                .register("/api/v1", new PostRoutes(backends, authentication, json))
                .register("/api/v1", new FeedRoutes(backends, authentication, json))
                .register("/api/v1", new SearchRoutes(backends, authentication, json))
                .register("/api/v1", new MessagingRoutes(backends, authentication, json))
                .register(
                        "/api/v1",
                        new MediaRoutes(
                                backends,
                                authentication,
                                json,
                                errors,
                                settings.mediaTransferTimeout(),
                                settings.mediaCopyThreads()))
                .register("/api/v1", new LiveStreamRoutes(backends, authentication, json, liveStreamEvents))
                .register(new FleetRoutes(fleet, authentication, json), new OpenApiRoute());

        kit.authenticateWith(token -> {
            VerifiedToken verified = authClient.verify(token);
            return new Caller(verified.userId(), verified.sessionId());
        });
        return kit.start(http, new FleetEndpoints.Discovery(fleet), new FleetEndpoints.Health(fleet));
    }
}
