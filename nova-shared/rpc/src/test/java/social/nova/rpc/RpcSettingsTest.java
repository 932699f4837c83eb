package social.nova.rpc;

import java.time.Duration;

import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.config.Config;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RpcSettingsTest {

    private static RpcSettings fromYaml(String yaml) {
        return RpcSettings.create(Config.just(yaml, MediaTypes.APPLICATION_YAML).get("rpc"));
    }

    @Test
    void withoutConfigEveryTargetGetsTheBuiltInDefaults() {
        RpcSettings settings = RpcSettings.create(Config.empty().get("rpc"));

        assertThat(settings.forTarget("user-service")).isEqualTo(ClientSettings.DEFAULTS);
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ClientSettings.DEFAULTS.deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(5));
        assertThat(ClientSettings.DEFAULTS.retry().maxAttempts()).isEqualTo(3);
        assertThat(ClientSettings.DEFAULTS.circuitBreaker().failureRateThreshold())
                .isEqualTo(50f);
        assertThat(ClientSettings.DEFAULTS.bulkhead().maxConcurrentCalls()).isEqualTo(100);
    }

    @Test
    void aTargetOverridesTheDefaultsKeyByKey() {
        RpcSettings settings = fromYaml("""
                rpc:
                  shutdown-timeout: PT2S
                  defaults:
                    deadlines:
                      default: PT3S
                      "nova.user.v1.UserService/GetUser": PT1S
                    circuit-breaker:
                      failure-rate-threshold: 40
                      wait-duration-in-open-state: PT10S
                    retry:
                      max-attempts: 4
                  clients:
                    user-service:
                      deadlines:
                        "nova.user.v1.UserService/ListUsers": PT0.5S
                      circuit-breaker:
                        failure-rate-threshold: 30
                        sliding-window-type: time-based
                      bulkhead:
                        max-concurrent-calls: 8
                """);

        ClientSettings users = settings.forTarget("user-service");
        assertThat(users.circuitBreaker().failureRateThreshold()).isEqualTo(30f);
        assertThat(users.circuitBreaker().slidingWindowType()).isEqualTo(SlidingWindowType.TIME_BASED);
        assertThat(users.circuitBreaker().waitDurationInOpenState())
                .as("from defaults")
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(users.retry().maxAttempts()).as("from defaults").isEqualTo(4);
        assertThat(users.bulkhead().maxConcurrentCalls()).isEqualTo(8);
        assertThat(users.deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(3));
        assertThat(users.deadlines().perMethod())
                .containsEntry("nova.user.v1.UserService/GetUser", Duration.ofSeconds(1))
                .containsEntry("nova.user.v1.UserService/ListUsers", Duration.ofMillis(500));

        ClientSettings other = settings.forTarget("feed-service");
        assertThat(other.circuitBreaker().failureRateThreshold()).isEqualTo(40f);
        assertThat(other.bulkhead()).isEqualTo(BulkheadSettings.DEFAULTS);
        assertThat(settings.shutdownTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void deadlinesApplyPerMethodThenPerServiceThenTheDefault() {
        DeadlineSettings deadlines = fromYaml("""
                rpc:
                  defaults:
                    deadlines:
                      default: PT4S
                      "nova.test.v1.EchoService": PT2S
                      "nova.test.v1.EchoService/GetEcho": PT1S
                """).defaults().deadlines();

        assertThat(deadlines.forMethod(EchoService.GET)).isEqualTo(Duration.ofSeconds(1));
        assertThat(deadlines.forMethod(EchoService.CREATE)).isEqualTo(Duration.ofSeconds(2));
        assertThat(DeadlineSettings.DEFAULTS.forMethod(EchoService.GET)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void aBadValueIsRejectedNamingItsKey() {
        assertThatThrownBy(() -> fromYaml("""
                rpc:
                  clients:
                    user-service:
                      circuit-breaker:
                        failure-rate-threshold: 150
                """))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rpc.clients.user-service.circuit-breaker.failure-rate-threshold"
                        + " must be a percentage in (0, 100], was 150.0");

        assertThatThrownBy(() -> fromYaml("""
                rpc:
                  defaults:
                    deadlines:
                      default: 5s
                """))
                .hasMessage("rpc.defaults.deadlines.default must be an ISO-8601 duration such as PT2S or PT0.25S,"
                        + " was 5s");

        assertThatThrownBy(() -> fromYaml("""
                rpc:
                  defaults:
                    retry:
                      jitter: 1.5
                """))
                .hasMessageStartingWith("rpc.defaults.retry.jitter must be in [0.0, 1.0]");
    }
}
