package social.nova.gateway;

import io.helidon.webserver.WebServer;
import io.helidon.webserver.spi.ServerFeature;
import io.helidon.webserver.websocket.WsRouting;

/**
 * The {@code /api/v1/realtime} WebSocket route on the gateway's one port, beside its HTTP routes and
 * gRPC: the kit serves WebSocket routing only through a server feature
 * ({@code ServiceKit.addServerFeature}).
 */
final class RealtimeFeature implements ServerFeature {
    private final RealtimeBridge bridge;

    RealtimeFeature(RealtimeBridge bridge) {
        this.bridge = bridge;
    }

    @Override
    public void setup(ServerFeatureContext context) {
        context.socket(WebServer.DEFAULT_SOCKET_NAME)
                .routingBuilders()
                .routingBuilder(WsRouting.Builder.class, WsRouting::builder)
                .endpoint(RealtimeBridge.PATH, bridge::newListener);
    }

    @Override
    public String name() {
        return "nova-realtime";
    }

    @Override
    public String type() {
        return "nova-realtime";
    }
}
