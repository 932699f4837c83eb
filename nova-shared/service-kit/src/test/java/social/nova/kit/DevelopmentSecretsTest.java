package social.nova.kit;

import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class DevelopmentSecretsTest {
    private static final Config SHIPPED = config(Map.of(
            "db.password", "auth_service",
            "auth.totp-encryption.keys", "dev=AAAA",
            "nova.secret-settings.0", "auth.totp-encryption.keys"));

    @Test
    void theBuiltInDevelopmentPasswordIsRefusedNamingTheSettingAndItsVariable() {
        Config effective = config(Map.of("db.password", "auth_service"));

        assertThatIllegalStateException()
                .isThrownBy(() -> DevelopmentSecrets.refuseOutsideDev(effective, SHIPPED))
                .withMessage("Refusing to start: db.password (DB_PASSWORD) has its built-in development value from "
                        + "application.yaml. Set a real secret, or set nova.profile=dev (NOVA_PROFILE=dev) on a "
                        + "development stack.");
    }

    @Test
    void aSecretTheServiceListsIsCheckedToo() {
        Config effective = config(Map.of(
                "db.password",
                "s3cret-from-vault",
                "auth.totp-encryption.keys",
                "dev=AAAA",
                "nova.secret-settings.0",
                "auth.totp-encryption.keys"));

        assertThatIllegalStateException()
                .isThrownBy(() -> DevelopmentSecrets.refuseOutsideDev(effective, SHIPPED))
                .withMessageStartingWith(
                        "Refusing to start: auth.totp-encryption.keys (AUTH_TOTP_dash_ENCRYPTION_KEYS) has its");
    }

    @Test
    void realSecretsOrTheDevProfileStart() {
        assertThatCode(() -> DevelopmentSecrets.refuseOutsideDev(
                        config(Map.of(
                                "db.password",
                                "s3cret-from-vault",
                                "auth.totp-encryption.keys",
                                "prod=BBBB",
                                "nova.secret-settings.0",
                                "auth.totp-encryption.keys")),
                        SHIPPED))
                .doesNotThrowAnyException();
        assertThatCode(() -> DevelopmentSecrets.refuseOutsideDev(
                        config(Map.of("db.password", "auth_service", "nova.profile", "dev")), SHIPPED))
                .doesNotThrowAnyException();
        assertThatIllegalStateException()
                .isThrownBy(() -> DevelopmentSecrets.refuseOutsideDev(
                        config(Map.of("db.password", "auth_service", "nova.profile", "prod")), SHIPPED));
        assertThatCode(() -> DevelopmentSecrets.refuseOutsideDev(config(Map.of()), config(Map.of())))
                .as("no secret shipped, none to refuse")
                .doesNotThrowAnyException();
    }

    @Test
    void theKitChecksTheApplicationYamlItShipsWithBeforeStarting() {
        assertThatIllegalStateException()
                .isThrownBy(() ->
                        ServiceKit.create(config(Map.of("service.name", "kit-probe", "db.password", "kit_probe_dev"))))
                .withMessageContaining("db.password (DB_PASSWORD)");
        assertThatCode(() -> ServiceKit.create(config(
                        Map.of("service.name", "kit-probe", "db.password", "kit_probe_dev", "nova.profile", "dev"))))
                .doesNotThrowAnyException();
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
