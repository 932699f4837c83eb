package social.nova.messaging;

import java.time.Duration;

import io.helidon.config.Config;
import org.junit.jupiter.api.Test;
import social.nova.db.DatabaseSettings;
import social.nova.rpc.RpcSettings;
import social.nova.testing.ServiceConfigs;

import static org.assertj.core.api.Assertions.assertThat;

/** application.yaml says what the README says: a typo in a key would silently fall back to a default. */
class ApplicationYamlTest {
    private final Config config = ServiceConfigs.applicationYaml(Main.class);

    @Test
    void theServiceIsMessagingServiceOnPort8085WithItsOwnSchemaAndScripts() {
        assertThat(config.get("service.name").asString().get()).isEqualTo("messaging-service");
        assertThat(config.get("server.port").asInt().get()).isEqualTo(8085);
        DatabaseSettings db = DatabaseSettings.create(config.get("db"));
        assertThat(db.schema()).isEqualTo("messaging");
        assertThat(db.user()).isEqualTo("messaging_service");
        assertThat(db.migrationLocations()).containsExactly("classpath:db/messaging");
    }

    @Test
    void callsToUserServiceAndAuthServiceHaveATwoSecondDeadline() {
        RpcSettings rpc = RpcSettings.create(config.get("rpc"));
        assertThat(rpc.forTarget(MessagingPermissions.USER_SERVICE).deadlines().defaultDeadline())
                .isEqualTo(Duration.ofSeconds(2));
        assertThat(rpc.forTarget("auth-service").deadlines().defaultDeadline()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theMessagingBlockIsRead() {
        MessagingSettings settings = MessagingSettings.create(config.get("messaging"));
        assertThat(settings.createConversationLimit().limit()).isEqualTo(20);
        assertThat(settings.sendMessageLimit().limit()).isEqualTo(60);
        assertThat(settings.cursorTtl()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.idempotencyWindow()).isEqualTo(Duration.ofHours(24));
        assertThat(settings.liveChannel()).isEqualTo("nova.messaging.live");
        assertThat(settings.maxQueuedEvents()).isEqualTo(256);
        assertThat(settings.pingInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.presenceTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.pushMaxAge()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void pushesAreOffUnlessAStackTurnsFcmOnAndReadTheServicesOwnEvents() {
        assertThat(config.get("fcm.enabled").asBoolean().get()).isFalse();
        var events = social.nova.events.EventSubscriptionSettings.create(config.get("messaging.push.events"));
        assertThat(events.transport().stream()).isEqualTo("nova.events.conversation");
        assertThat(events.transport().group()).isEqualTo("messaging-service-push");
    }

    @Test
    void openStreamsDoNotExhaustThePortsConcurrencyLimit() {
        assertThat(config.get("traffic.max-concurrent-requests").asInt().get()).isGreaterThanOrEqualTo(1024);
    }
}
