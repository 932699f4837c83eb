package social.nova.fcm;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import social.nova.testing.TestServiceAccount;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FcmSettingsTest {
    private static final TestServiceAccount ACCOUNT =
            TestServiceAccount.generate("nova-prod", URI.create("https://oauth2.googleapis.com/token"));
    /** A stretch of the private key that must never appear in a message or toString. */
    private static final String KEY_MATERIAL =
            ACCOUNT.privateKeyPem().lines().skip(3).findFirst().orElseThrow();

    @Test
    void readsEveryKeyAndNeverPrintsThePrivateKey() {
        FcmSettings settings = FcmSettings.create(config(Map.of(
                "enabled", "true",
                "endpoint", "https://fcm.example.com/",
                "credentials", ACCOUNT.json(),
                "timeout", "PT3S",
                "connect-timeout", "PT2S",
                "token-refresh-margin", "PT1M",
                "retry.max-attempts", "4",
                "retry.backoff-initial", "PT1S",
                "retry.backoff-max", "PT8S",
                "retry.deadline", "PT20S")));

        assertThat(settings.enabled()).isTrue();
        assertThat(settings.endpoint()).isEqualTo(URI.create("https://fcm.example.com"));
        assertThat(settings.projectId()).isEqualTo("nova-prod"); // the credentials' project_id
        assertThat(settings.sendUri())
                .isEqualTo(URI.create("https://fcm.example.com/v1/projects/nova-prod/messages:send"));
        assertThat(settings.credentials().clientEmail()).isEqualTo(ACCOUNT.clientEmail());
        assertThat(settings.credentials().privateKeyId()).isEqualTo(ACCOUNT.privateKeyId());
        assertThat(settings.credentials().privateKey()).isEqualTo(ACCOUNT.privateKey());
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.tokenRefreshMargin()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settings.retry())
                .isEqualTo(
                        new FcmRetrySettings(4, Duration.ofSeconds(1), Duration.ofSeconds(8), Duration.ofSeconds(20)));
        assertThat(settings.toString())
                .contains(ACCOUNT.clientEmail(), "nova-prod")
                .doesNotContain("PRIVATE KEY", KEY_MATERIAL);
    }

    @Test
    void defaultsAndAnExplicitProjectWin() {
        FcmSettings settings = FcmSettings.create(
                config(Map.of("enabled", "true", "project-id", "other-project", "credentials", ACCOUNT.json())));

        assertThat(settings.endpoint()).isEqualTo(FcmSettings.DEFAULT_ENDPOINT);
        assertThat(settings.projectId()).isEqualTo("other-project");
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.retry()).isEqualTo(FcmRetrySettings.defaults());
    }

    @Test
    void readsCredentialsFromAFile(@TempDir Path dir) {
        Path file = ACCOUNT.writeTo(dir.resolve("service-account.json"));

        FcmSettings settings = FcmSettings.create(config(Map.of("enabled", "true", "credentials", file.toString())));

        assertThat(settings.credentials().privateKey()).isEqualTo(ACCOUNT.privateKey());
    }

    @Test
    void badCredentialsAreRefusedWithTheKeyAndWithoutTheirContent() {
        assertRefused(Map.of(), "fcm.credentials must be set");
        assertRefused(Map.of("credentials", "/no/such/service-account.json"), "fcm.credentials names no readable file");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace("\"private_key\"", "\"privateKey\"")),
                "fcm.credentials has no private_key");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace("\"client_email\"", "\"email\"")),
                "fcm.credentials has no client_email");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE KEY")), "PKCS#1");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace(KEY_MATERIAL, KEY_MATERIAL.substring(10))),
                "fcm.credentials private_key is not a readable RSA key");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace("\"private_key_id\"", "\"private_key_id\" : 1, \"x\"")),
                "fcm.credentials has no private_key_id");
        assertRefused(Map.of("credentials", ACCOUNT.json().substring(0, 400)), "fcm.credentials is not valid JSON");
        assertRefused(
                Map.of("credentials", ACCOUNT.json().replace("service_account", "authorized_user")),
                "type 'authorized_user'");
    }

    @Test
    void badSettingsAreRefusedWithTheKey() {
        assertRefused(Map.of("credentials", ACCOUNT.json(), "retry.max-attempts", "0"), "fcm.retry.max-attempts");
        assertRefused(
                Map.of("credentials", ACCOUNT.json(), "retry.backoff-initial", "PT1M", "retry.backoff-max", "PT1S"),
                "fcm.retry.backoff-max");
        assertRefused(Map.of("credentials", ACCOUNT.json(), "timeout", "PT0S"), "fcm.timeout must be positive");
        assertRefused(Map.of("credentials", ACCOUNT.json(), "endpoint", "ftp://fcm"), "fcm.endpoint");
        assertRefused(Map.of("credentials", ACCOUNT.json(), "project-id", "Nova Prod"), "fcm.project-id");
        assertRefused(
                Map.of(
                        "credentials",
                        ACCOUNT.json().replace("\"project_id\" : \"nova-prod\"", "\"project_id\" : \"\"")),
                "fcm.project-id must be set");
    }

    @Test
    void disabledNeedsNothingAndSendsNothing() {
        FcmSettings settings = FcmSettings.create(config(Map.of("credentials", "not even read")));

        assertThat(settings.enabled()).isFalse();
        assertThat(FcmSettings.disabled().enabled()).isFalse();
        try (FcmSender sender = FcmSender.create(
                settings,
                token -> {
                    throw new AssertionError("nothing is sent, so no token is refused");
                },
                new SimpleMeterRegistry())) {
            assertThat(sender.send(FcmMessage.to("device").withNotification("Hi", "there")))
                    .isInstanceOf(SendResult.Skipped.class);
            assertThat(sender.send(FcmMessage.to("device").withNotification("Hi", "again")))
                    .isInstanceOf(SendResult.Skipped.class);
        }
    }

    private static void assertRefused(Map<String, String> values, String message) {
        Map<String, String> enabled = new HashMap<>(values);
        enabled.put("enabled", "true");
        assertThatThrownBy(() -> FcmSettings.create(config(enabled)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .satisfies(e -> {
                    for (Throwable t = e; t != null; t = t.getCause()) {
                        assertThat(String.valueOf(t.getMessage())).doesNotContain(KEY_MATERIAL);
                    }
                });
    }

    private static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }
}
