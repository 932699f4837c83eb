package social.nova.fcm;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;

/**
 * Where and as whom push notifications are sent: the FCM endpoint, the Firebase project and the
 * Google service account.
 *
 * <p>Config keys (under {@code fcm}; durations ISO-8601):
 * <pre>
 * enabled:               false   off: nothing is sent (logged once), nothing else is read
 * endpoint:              https://fcm.googleapis.com
 * project-id:                    the Firebase project; default: the credentials' project_id
 * credentials:                   a service-account JSON, inline or the path of its file
 * timeout:               PT10S   per HTTP request (token exchange and send)
 * connect-timeout:       PT5S
 * token-refresh-margin:  PT5M    an access token is replaced this long before it expires
 * retry:                         {@link FcmRetrySettings}
 * </pre>
 *
 * @param projectId   null when disabled
 * @param credentials null when disabled
 */
public record FcmSettings(
        boolean enabled,
        URI endpoint,
        String projectId,
        ServiceAccount credentials,
        Duration timeout,
        Duration connectTimeout,
        Duration tokenRefreshMargin,
        FcmRetrySettings retry) {
    public static final URI DEFAULT_ENDPOINT = URI.create("https://fcm.googleapis.com");

    public FcmSettings {
        Objects.requireNonNull(endpoint, "fcm.endpoint");
        if (!"https".equals(endpoint.getScheme()) && !"http".equals(endpoint.getScheme())
                || endpoint.getHost() == null) {
            throw new IllegalArgumentException("fcm.endpoint must be an http(s) URL, was " + endpoint);
        }
        positive("fcm.timeout", timeout);
        positive("fcm.connect-timeout", connectTimeout);
        positive("fcm.token-refresh-margin", tokenRefreshMargin);
        Objects.requireNonNull(retry, "fcm.retry");
        if (enabled) {
            Objects.requireNonNull(credentials, "fcm.credentials");
            if (projectId == null || projectId.isBlank()) {
                throw new IllegalArgumentException(
                        "fcm.project-id must be set (or the credentials' project_id) when fcm.enabled is true");
            }
            if (!projectId.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException(
                        "fcm.project-id must be a Firebase project id (a-z, 0-9, -), was '" + projectId + "'");
            }
        }
    }

    /** Off: {@link FcmSender#create} gives a sender that sends nothing. */
    public static FcmSettings disabled() {
        return create(Config.empty());
    }

    /** Reads the keys listed in the class comment; with {@code enabled: false} only that one. */
    public static FcmSettings create(Config config) {
        boolean enabled = config.get("enabled").asBoolean().orElse(false);
        ServiceAccount credentials = null;
        String projectId = config.get("project-id").asString().orElse(null);
        if (enabled) {
            credentials =
                    ServiceAccount.read(config.get("credentials").asString().orElse(null));
            if (projectId == null || projectId.isBlank()) {
                projectId = credentials.projectId().orElse(null);
            }
        }
        String endpoint = config.get("endpoint").asString().orElse(DEFAULT_ENDPOINT.toString());
        URI endpointUri;
        try {
            endpointUri = URI.create(endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("fcm.endpoint is not a URL: " + endpoint, e);
        }
        return new FcmSettings(
                enabled,
                endpointUri,
                projectId,
                credentials,
                duration(config, "timeout", Duration.ofSeconds(10)),
                duration(config, "connect-timeout", Duration.ofSeconds(5)),
                duration(config, "token-refresh-margin", Duration.ofMinutes(5)),
                FcmRetrySettings.create(config.get("retry")));
    }

    /** The same settings with other retry timing (tests use short ones). */
    public FcmSettings withRetry(FcmRetrySettings other) {
        return new FcmSettings(
                enabled, endpoint, projectId, credentials, timeout, connectTimeout, tokenRefreshMargin, other);
    }

    /** {@code {endpoint}/v1/projects/{project}/messages:send}. */
    URI sendUri() {
        return URI.create(endpoint + "/v1/projects/" + projectId + "/messages:send");
    }

    private static Duration duration(Config config, String key, Duration defaultValue) {
        return config.get(key).as(Duration.class).orElse(defaultValue);
    }

    static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }

    @Override
    public String toString() {
        // The credentials' own toString prints no key.
        return "FcmSettings[" + (enabled ? "enabled" : "disabled") + ", " + endpoint + ", project=" + projectId
                + ", credentials=" + credentials + ", timeout=" + timeout + ", retry=" + retry + "]";
    }
}
