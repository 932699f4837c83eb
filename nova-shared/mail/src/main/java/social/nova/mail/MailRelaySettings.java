package social.nova.mail;

import java.time.Duration;
import java.util.Objects;

import io.helidon.config.Config;
import social.nova.redis.Backoff;

/**
 * How {@link MailRelay} works through the mail outbox.
 *
 * <p>Config keys (under {@code mail.relay}; durations ISO-8601):
 * <pre>
 * poll-interval:     PT0.5S   pause between polls that found nothing due
 * batch-size:        20       mails claimed per poll
 * backoff-initial:   PT2S     a mail that failed waits this long before its next attempt, doubled...
 * backoff-max:       PT5M     ...up to this, per mail
 * give-up-after:     P1D      a mail still unsent this long after it was written is marked failed
 * lease:             PT2M     how long a claimed mail is left to its relay before another may retry it
 * retention:         P7D      sent and failed rows are deleted after this
 * shutdown-timeout:  PT10S    close() waits this long for the poll in progress
 * </pre>
 */
public record MailRelaySettings(
        Duration pollInterval,
        int batchSize,
        Duration backoffInitial,
        Duration backoffMax,
        Duration giveUpAfter,
        Duration lease,
        Duration retention,
        Duration shutdownTimeout) {
    public MailRelaySettings {
        positive("mail.relay.poll-interval", pollInterval);
        if (batchSize < 1) {
            throw new IllegalArgumentException("mail.relay.batch-size must be >= 1, was " + batchSize);
        }
        new Backoff(backoffInitial, backoffMax);
        positive("mail.relay.give-up-after", giveUpAfter);
        positive("mail.relay.lease", lease);
        positive("mail.relay.retention", retention);
        positive("mail.relay.shutdown-timeout", shutdownTimeout);
    }

    public static MailRelaySettings defaults() {
        return create(Config.empty());
    }

    /** Reads the keys listed in the class comment. */
    public static MailRelaySettings create(Config config) {
        return new MailRelaySettings(
                duration(config, "poll-interval", Duration.ofMillis(500)),
                config.get("batch-size").asInt().orElse(20),
                duration(config, "backoff-initial", Duration.ofSeconds(2)),
                duration(config, "backoff-max", Duration.ofMinutes(5)),
                duration(config, "give-up-after", Duration.ofDays(1)),
                duration(config, "lease", Duration.ofMinutes(2)),
                duration(config, "retention", Duration.ofDays(7)),
                duration(config, "shutdown-timeout", Duration.ofSeconds(10)));
    }

    /** The same settings with other retry timing (tests use short ones). */
    public MailRelaySettings withRetries(Duration poll, Duration initial, Duration max, Duration giveUp) {
        return new MailRelaySettings(poll, batchSize, initial, max, giveUp, lease, retention, shutdownTimeout);
    }

    /** The back-off of one mail's attempts. */
    Backoff backoff() {
        return new Backoff(backoffInitial, backoffMax);
    }

    private static Duration duration(Config config, String key, Duration defaultValue) {
        return config.get(key).as(Duration.class).orElse(defaultValue);
    }

    private static void positive(String name, Duration value) {
        Objects.requireNonNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
