package social.nova.rpc;

import java.time.Duration;

import io.helidon.config.Config;

/**
 * Connection settings of the channel to one target (config block {@code channel}).
 *
 * @param keepAliveTime         idle time on a connection with calls in flight before a ping; servers
 *                              refuse pings more often than they permit (grpc-java: 5 min)
 *                              ({@code keepalive-time}, PT5M)
 * @param keepAliveTimeout      how long to wait for the ping's answer before dropping the connection
 *                              ({@code keepalive-timeout}, PT20S)
 * @param keepAliveWithoutCalls ping even with no call in flight ({@code keepalive-without-calls}, false)
 * @param idleTimeout           with no call for this long the channel releases its connections and
 *                              its Consul watch, and resumes both on the next call
 *                              ({@code idle-timeout}, PT30M)
 * @param maxInboundMessageSize largest response accepted, in bytes
 *                              ({@code max-inbound-message-size}, 4194304)
 */
public record ChannelSettings(
        Duration keepAliveTime,
        Duration keepAliveTimeout,
        boolean keepAliveWithoutCalls,
        Duration idleTimeout,
        int maxInboundMessageSize) {

    public static final ChannelSettings DEFAULTS = new ChannelSettings(
            Duration.ofMinutes(5), Duration.ofSeconds(20), false, Duration.ofMinutes(30), 4 * 1024 * 1024);

    public static ChannelSettings create(Config node) {
        return create(node, DEFAULTS);
    }

    /** Reads the keys present under {@code node}; absent keys keep {@code fallback}'s values. */
    public static ChannelSettings create(Config node, ChannelSettings fallback) {
        return new ChannelSettings(
                ConfigValues.positiveDuration(node, "keepalive-time", fallback.keepAliveTime),
                ConfigValues.positiveDuration(node, "keepalive-timeout", fallback.keepAliveTimeout),
                ConfigValues.flag(node, "keepalive-without-calls", fallback.keepAliveWithoutCalls),
                ConfigValues.positiveDuration(node, "idle-timeout", fallback.idleTimeout),
                ConfigValues.positiveInt(node, "max-inbound-message-size", fallback.maxInboundMessageSize));
    }
}
