package social.nova.discovery;

import java.net.MalformedURLException;

import org.kiwiproject.consul.Consul;

/**
 * Builds the kiwiproject {@link Consul} client from {@link ConsulSettings}: the one place where
 * the agent URL, timeouts and the ACL token are applied, so every Nova call to Consul is made
 * the same way.
 *
 * <p>The ACL token travels as the {@code X-Consul-Token} header of every request (Consul 1.8 and
 * current versions both read it; unlike the {@code ?token=} query parameter it never shows in
 * URLs, logs or error messages). Blocking queries get their own read timeout from
 * consul-client's {@code TimeoutInterceptor} (wait + wait/16 + 2 s), so {@code read-timeout}
 * only bounds plain requests.
 */
public final class ConsulClients {
    private ConsulClients() {}

    /**
     * A new client; the caller owns it and must {@link Consul#destroy()} it. No request is made
     * here, so this succeeds while the agent is still down.
     */
    public static Consul create(ConsulSettings settings) {
        Consul.Builder builder = Consul.builder()
                .withUrl(url(settings))
                .withPing(false)
                .withConnectTimeoutMillis(settings.connectTimeout().toMillis())
                .withReadTimeoutMillis(settings.readTimeout().toMillis());
        settings.token().ifPresent(builder::withTokenAuth);
        return builder.build();
    }

    private static java.net.URL url(ConsulSettings settings) {
        try {
            return settings.url().toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("consul url is not a valid URL: " + settings.url(), e);
        }
    }
}
