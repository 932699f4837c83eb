package social.nova.gateway;

import java.util.function.Consumer;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.spi.ServerFeature;
import io.helidon.webserver.spi.ServerFeatureProvider;
import social.nova.kit.RunningService;
import social.nova.kit.ServiceKit;

/**
 * Interim bridge: adds HTTP routes to the server the service kit builds, because
 * {@code ServiceKit.start} takes only gRPC services. Replace with
 * {@code kit.start(http, grpcServices...)} once the kit offers it (see README, "Needed from the kit").
 *
 * <p>Helidon discovers this feature (META-INF/services) for every server it builds. It adds the
 * routes given to {@link #start} to the server built on the calling thread while that call runs,
 * and nothing to any other server.
 */
public final class KitHttpRouting implements ServerFeature {
    static final String NAME = "nova-http-routing";
    private static final ThreadLocal<Consumer<HttpRouting.Builder>> PENDING = new ThreadLocal<>();

    /** Starts the kit's server with {@code http} routes beside the gRPC services. */
    static RunningService start(ServiceKit kit, Consumer<HttpRouting.Builder> http, Object... grpcServices) {
        PENDING.set(http);
        try {
            return kit.start(grpcServices);
        } finally {
            PENDING.remove();
        }
    }

    @Override
    public void setup(ServerFeatureContext features) {
        Consumer<HttpRouting.Builder> http = PENDING.get();
        if (http != null) {
            http.accept(features.socket(WebServer.DEFAULT_SOCKET_NAME).httpRouting());
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String type() {
        return NAME;
    }

    /** The ServiceLoader entry point Helidon's server builder uses. */
    public static final class Provider implements ServerFeatureProvider<KitHttpRouting> {
        @Override
        public String configKey() {
            return NAME;
        }

        @Override
        public KitHttpRouting create(io.helidon.config.Config config, String name) {
            return new KitHttpRouting();
        }
    }
}
