package social.nova.kit;

import java.time.Duration;
import java.util.Map;

import io.helidon.common.concurrency.limits.FixedLimit;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What every service's port gets from the kit unless it configures otherwise. */
class TrafficTest {
    @Test
    void everyPortGetsNoDelayABoundedConcurrencyAndABoundOnConnections() {
        WebServerConfig.Builder server = Traffic.apply(TrafficSettings.create(Config.empty()), WebServer.builder());

        assertThat(server.connectionOptions())
                .hasValueSatisfying(options -> assertThat(options.tcpNoDelay()).isTrue());
        assertThat(server.concurrencyLimit())
                .hasValueSatisfying(limit -> assertThat(limit).isInstanceOf(FixedLimit.class));
        assertThat(server.maxTcpConnections()).isEqualTo(1024);
    }

    @Test
    void theListenerGetsTheSameLimitInstanceTheGrpcInterceptorUses() {
        TrafficSettings settings = TrafficSettings.create(Config.empty());
        Limit limit = Traffic.limit(settings);
        WebServerConfig.Builder server = Traffic.apply(
                settings,
                limit,
                WebServer.builder().config(config(Map.of("server.port", "0")).get("server")));

        assertThat(server.concurrencyLimit()).containsSame(limit);
    }

    @Test
    void helidonsOwnLimitWinsAndOtherSocketOptionsAreKept() {
        Config config = config(Map.of(
                "server.max-concurrent-requests",
                "7",
                "server.max-tcp-connections",
                "9",
                "server.connection-options.read-timeout",
                "PT42S",
                "traffic.tcp-no-delay",
                "false"));
        WebServerConfig.Builder server = Traffic.apply(
                TrafficSettings.create(config.get("traffic")),
                WebServer.builder().config(config.get("server")));

        assertThat(server.maxConcurrentRequests()).isEqualTo(7);
        assertThat(server.concurrencyLimit()).isEmpty();
        assertThat(server.maxTcpConnections()).isEqualTo(9);
        assertThat(server.connectionOptions()).hasValueSatisfying(options -> {
            assertThat(options.tcpNoDelay()).isFalse();
            assertThat(options.readTimeout()).isEqualTo(Duration.ofSeconds(42));
        });
    }

    @Test
    void aRefusalSaysWhenToComeBackInTheNovaErrorShape() {
        DirectHandler handler = Traffic.busyHandler(TrafficSettings.create(
                config(Map.of("traffic.retry-after", "PT3S")).get("traffic")));

        DirectHandler.TransportResponse busy = handler.handle(
                DirectHandler.TransportRequest.empty(),
                DirectHandler.EventType.OTHER,
                Status.SERVICE_UNAVAILABLE_503,
                ServerResponseHeaders.create(),
                "Too Many Concurrent Requests");
        assertThat(busy.status()).isEqualTo(Status.SERVICE_UNAVAILABLE_503);
        assertThat(busy.headers().get(HeaderNames.RETRY_AFTER).get()).isEqualTo("3");
        assertThat(new String(busy.entity().orElseThrow()))
                .contains("\"code\":\"UNAVAILABLE\"", "\"retryAfterSeconds\":3");

        DirectHandler.TransportResponse other = handler.handle(
                DirectHandler.TransportRequest.empty(),
                DirectHandler.EventType.BAD_REQUEST,
                Status.BAD_REQUEST_400,
                ServerResponseHeaders.create(),
                "bad");
        assertThat(other.status()).isEqualTo(Status.BAD_REQUEST_400);
        assertThat(other.headers().contains(HeaderNames.RETRY_AFTER)).isFalse();
    }

    @Test
    void settingsThatCannotWorkAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> TrafficSettings.create(
                        config(Map.of("traffic.max-concurrent-requests", "0")).get("traffic")))
                .hasMessageContaining("traffic.max-concurrent-requests");
        assertThatThrownBy(() -> TrafficSettings.create(
                        config(Map.of("traffic.retry-after", "PT0.5S")).get("traffic")))
                .hasMessageContaining("traffic.retry-after");
    }

    @Test
    void http2RapidResetsAreAllowedAsManyAsTheKitSaysUnlessTheServiceSaysOtherwise() {
        Config kitDefault =
                Traffic.withHttp2Defaults(config(Map.of("server.port", "8123")).get("server"));
        assertThat(kitDefault.get("protocols.http_2.max-rapid-resets").asInt().get())
                .isEqualTo(Traffic.MAX_RAPID_RESETS);
        assertThat(kitDefault.get("port").asInt().get()).isEqualTo(8123);
        Config own = Traffic.withHttp2Defaults(
                config(Map.of("server.protocols.http_2.max-rapid-resets", "70")).get("server"));
        assertThat(own.get("protocols.http_2.max-rapid-resets").asInt().get()).isEqualTo(70);
        assertThat(own.get("protocols.grpc.enable-compression").asBoolean().get())
                .isFalse();
    }

    @Test
    void grpcAnswersAreNotCompressedUnlessTheServiceSaysSo() {
        Config kitDefault =
                Traffic.withHttp2Defaults(config(Map.of("server.port", "8123")).get("server"));
        assertThat(kitDefault
                        .get("protocols.grpc.enable-compression")
                        .asBoolean()
                        .get())
                .isFalse();
        Config own = Traffic.withHttp2Defaults(config(Map.of("server.protocols.grpc.enable-compression", "true"))
                .get("server"));
        assertThat(own.get("protocols.grpc.enable-compression").asBoolean().get())
                .isTrue();
        assertThat(own.get("protocols.http_2.max-rapid-resets").asInt().get()).isEqualTo(Traffic.MAX_RAPID_RESETS);
    }

    @Test
    void theKitsHttp2PatchIsTheClassLoaded() {
        assertThat(Http2PseudoHeaderPatch.active()).isTrue();
    }

    private static Config config(Map<String, String> values) {
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(values))
                .build();
    }
}
