package social.nova.discovery;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import io.helidon.config.Config;

/**
 * How Nova talks to its Consul agent: where it is, the ACL token, timeouts, and the timings of
 * health checks, watches and the registrar's self-repair. Read once from configuration with
 * {@link #create(Config)}, or built in code with {@link #builder()}.
 *
 * <p>Keys, relative to the node passed to {@link #create(Config)} (usually {@code consul}),
 * durations in ISO-8601 ({@code PT5S}):
 * <pre>
 * url                               http://localhost:8500  the local agent's HTTP API
 * acl-token                         (none)   sent as X-Consul-Token on every request
 * connect-timeout                   PT2S
 * read-timeout                      PT10S    plain requests; watches get wait + wait/16 + 2 s
 * watch.blocking-time               PT30S    longest wait of one blocking query (whole seconds)
 * checks.interval                   PT5S     how often the agent runs each health check
 * checks.timeout                    PT2S     how long one check may take
 * checks.deregister-critical-after  PT1M     agent drops an instance critical this long (min 1 min)
 * registration.verify-interval      PT10S    how often the registrar checks the agent still lists it
 * retry.initial-backoff             PT0.5S   first pause after a failed call to the agent
 * retry.max-backoff                 PT30S    longest pause (exponential, randomised)
 * </pre>
 *
 * @param url                    the agent's HTTP API, e.g. {@code http://localhost:8500}
 * @param aclToken               ACL token, or {@code null} when ACLs are off
 * @param connectTimeout         TCP connect timeout towards the agent
 * @param readTimeout            read timeout of plain (non-blocking) requests
 * @param watchBlockingTime      longest wait of one blocking query; whole seconds, 1 s to 10 min
 * @param checkInterval          interval of the gRPC and HTTP checks the agent runs
 * @param checkTimeout           timeout of one check run
 * @param deregisterCriticalAfter how long an instance may stay critical before the agent drops it
 * @param verifyInterval         how often the registrar verifies its instance is still registered
 * @param retryInitialBackoff    first pause after a failed call to the agent
 * @param retryMaxBackoff        upper bound of the pause between retries
 */
public record ConsulSettings(
        URI url,
        String aclToken,
        Duration connectTimeout,
        Duration readTimeout,
        Duration watchBlockingTime,
        Duration checkInterval,
        Duration checkTimeout,
        Duration deregisterCriticalAfter,
        Duration verifyInterval,
        Duration retryInitialBackoff,
        Duration retryMaxBackoff) {

    public static final URI DEFAULT_URL = URI.create("http://localhost:8500");
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_WATCH_BLOCKING_TIME = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(5);
    public static final Duration DEFAULT_CHECK_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(1);
    public static final Duration DEFAULT_VERIFY_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_RETRY_INITIAL_BACKOFF = Duration.ofMillis(500);
    public static final Duration DEFAULT_RETRY_MAX_BACKOFF = Duration.ofSeconds(30);

    /** Consul reaps critical services at most once a minute and raises smaller values to this. */
    public static final Duration MIN_DEREGISTER_CRITICAL_AFTER = Duration.ofMinutes(1);
    /** Consul caps the {@code wait} of a blocking query at ten minutes. */
    public static final Duration MAX_WATCH_BLOCKING_TIME = Duration.ofMinutes(10);

    public ConsulSettings {
        Objects.requireNonNull(url, "url");
        if ((!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) || url.getHost() == null) {
            throw new IllegalArgumentException("consul url must be http(s)://host[:port], was '" + url + "'");
        }
        if (aclToken != null && aclToken.isBlank()) {
            aclToken = null;
        }
        positive("connect-timeout", connectTimeout);
        positive("read-timeout", readTimeout);
        positive("watch.blocking-time", watchBlockingTime);
        if (watchBlockingTime.toMillis() % 1000 != 0 || watchBlockingTime.compareTo(MAX_WATCH_BLOCKING_TIME) > 0) {
            throw new IllegalArgumentException("watch.blocking-time must be whole seconds between PT1S and "
                    + MAX_WATCH_BLOCKING_TIME + ", was " + watchBlockingTime);
        }
        positive("checks.interval", checkInterval);
        positive("checks.timeout", checkTimeout);
        positive("checks.deregister-critical-after", deregisterCriticalAfter);
        if (deregisterCriticalAfter.compareTo(MIN_DEREGISTER_CRITICAL_AFTER) < 0) {
            throw new IllegalArgumentException("checks.deregister-critical-after must be at least "
                    + MIN_DEREGISTER_CRITICAL_AFTER + " (Consul's minimum), was " + deregisterCriticalAfter);
        }
        positive("registration.verify-interval", verifyInterval);
        positive("retry.initial-backoff", retryInitialBackoff);
        positive("retry.max-backoff", retryMaxBackoff);
        if (retryMaxBackoff.compareTo(retryInitialBackoff) < 0) {
            throw new IllegalArgumentException("retry.max-backoff (" + retryMaxBackoff
                    + ") must not be shorter than retry.initial-backoff (" + retryInitialBackoff + ")");
        }
    }

    /** Reads the settings from a config node (e.g. {@code config.get("consul")}); absent keys take defaults. */
    public static ConsulSettings create(Config consul) {
        Builder builder = builder();
        consul.get("url").asString().map(URI::create).ifPresent(builder::url);
        consul.get("acl-token").asString().ifPresent(builder::aclToken);
        consul.get("connect-timeout").as(Duration.class).ifPresent(builder::connectTimeout);
        consul.get("read-timeout").as(Duration.class).ifPresent(builder::readTimeout);
        consul.get("watch.blocking-time").as(Duration.class).ifPresent(builder::watchBlockingTime);
        consul.get("checks.interval").as(Duration.class).ifPresent(builder::checkInterval);
        consul.get("checks.timeout").as(Duration.class).ifPresent(builder::checkTimeout);
        consul.get("checks.deregister-critical-after").as(Duration.class).ifPresent(builder::deregisterCriticalAfter);
        consul.get("registration.verify-interval").as(Duration.class).ifPresent(builder::verifyInterval);
        consul.get("retry.initial-backoff").as(Duration.class).ifPresent(builder::retryInitialBackoff);
        consul.get("retry.max-backoff").as(Duration.class).ifPresent(builder::retryMaxBackoff);
        return builder.build();
    }

    /** All defaults: a local agent without ACLs. */
    public static ConsulSettings defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The ACL token, if one is configured. */
    public Optional<String> token() {
        return Optional.ofNullable(aclToken);
    }

    /** A builder starting from these settings. */
    public Builder toBuilder() {
        return new Builder()
                .url(url)
                .aclToken(aclToken)
                .connectTimeout(connectTimeout)
                .readTimeout(readTimeout)
                .watchBlockingTime(watchBlockingTime)
                .checkInterval(checkInterval)
                .checkTimeout(checkTimeout)
                .deregisterCriticalAfter(deregisterCriticalAfter)
                .verifyInterval(verifyInterval)
                .retryInitialBackoff(retryInitialBackoff)
                .retryMaxBackoff(retryMaxBackoff);
    }

    /** Never prints the token itself, so settings can be logged. */
    @Override
    public String toString() {
        return "ConsulSettings[url=" + url
                + ", aclToken=" + (aclToken == null ? "none" : "***")
                + ", connectTimeout=" + connectTimeout
                + ", readTimeout=" + readTimeout
                + ", watchBlockingTime=" + watchBlockingTime
                + ", checkInterval=" + checkInterval
                + ", checkTimeout=" + checkTimeout
                + ", deregisterCriticalAfter=" + deregisterCriticalAfter
                + ", verifyInterval=" + verifyInterval
                + ", retryInitialBackoff=" + retryInitialBackoff
                + ", retryMaxBackoff=" + retryMaxBackoff + "]";
    }

    private static void positive(String key, Duration value) {
        Objects.requireNonNull(value, key);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }

    /** Builds {@link ConsulSettings}; every value starts at its default. */
    public static final class Builder {
        private URI url = DEFAULT_URL;
        private String aclToken;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration readTimeout = DEFAULT_READ_TIMEOUT;
        private Duration watchBlockingTime = DEFAULT_WATCH_BLOCKING_TIME;
        private Duration checkInterval = DEFAULT_CHECK_INTERVAL;
        private Duration checkTimeout = DEFAULT_CHECK_TIMEOUT;
        private Duration deregisterCriticalAfter = DEFAULT_DEREGISTER_CRITICAL_AFTER;
        private Duration verifyInterval = DEFAULT_VERIFY_INTERVAL;
        private Duration retryInitialBackoff = DEFAULT_RETRY_INITIAL_BACKOFF;
        private Duration retryMaxBackoff = DEFAULT_RETRY_MAX_BACKOFF;

        private Builder() {}

        public Builder url(URI url) {
            this.url = url;
            return this;
        }

        public Builder url(String url) {
            return url(URI.create(url));
        }

        /** The ACL token; {@code null} or blank means none. */
        public Builder aclToken(String aclToken) {
            this.aclToken = aclToken;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder readTimeout(Duration readTimeout) {
            this.readTimeout = readTimeout;
            return this;
        }

        public Builder watchBlockingTime(Duration watchBlockingTime) {
            this.watchBlockingTime = watchBlockingTime;
            return this;
        }

        public Builder checkInterval(Duration checkInterval) {
            this.checkInterval = checkInterval;
            return this;
        }

        public Builder checkTimeout(Duration checkTimeout) {
            this.checkTimeout = checkTimeout;
            return this;
        }

        public Builder deregisterCriticalAfter(Duration deregisterCriticalAfter) {
            this.deregisterCriticalAfter = deregisterCriticalAfter;
            return this;
        }

        public Builder verifyInterval(Duration verifyInterval) {
            this.verifyInterval = verifyInterval;
            return this;
        }

        public Builder retryInitialBackoff(Duration retryInitialBackoff) {
            this.retryInitialBackoff = retryInitialBackoff;
            return this;
        }

        public Builder retryMaxBackoff(Duration retryMaxBackoff) {
            this.retryMaxBackoff = retryMaxBackoff;
            return this;
        }

        public ConsulSettings build() {
            return new ConsulSettings(
                    url,
                    aclToken,
                    connectTimeout,
                    readTimeout,
                    watchBlockingTime,
                    checkInterval,
                    checkTimeout,
                    deregisterCriticalAfter,
                    verifyInterval,
                    retryInitialBackoff,
                    retryMaxBackoff);
        }
    }
}
