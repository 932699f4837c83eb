package social.nova.mail;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import social.nova.db.Database;
import social.nova.redis.Backoff;
import social.nova.redis.ThrottledLogger;

/**
 * Sends the schema's {@code mail_outbox} over SMTP from a background thread, with retries: a mail
 * server outage delays mail and loses none.
 *
 * <p>Each poll claims up to {@code batch-size} due mails in one statement ({@code FOR UPDATE SKIP
 * LOCKED}, so every instance of a service can run a relay and none sends what another claimed) by
 * moving their next attempt a {@code lease} ahead, then sends them one by one outside any
 * transaction. A sent mail is marked sent and its bodies blanked (they can hold single-use tokens);
 * a mail the server did not take waits {@code backoff-initial}, doubled per failed attempt up to
 * {@code backoff-max}, and is tried again; a permanent refusal (SMTP 5xx for the recipient) or a
 * mail still unsent {@code give-up-after} after it was written is marked failed, with the reason,
 * and logged. A relay that dies between claiming and recording leaves its mails to be claimed again
 * when the lease ends: delivery is at least once, and each mail carries its id in the header
 * {@value SmtpSender#MAIL_ID_HEADER}.
 *
 * <p>Metrics, tagged with {@code schema}: {@code nova.mail.sent}, {@code nova.mail.retries} (failed
 * attempts that will be retried), {@code nova.mail.failed} (given up).
 */
public final class MailRelay implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(MailRelay.class.getName());
    private static final int MAX_ERROR_LENGTH = 1000;

    private final Database database;
    private final MailSender sender;
    private final MailRelaySettings settings;
    private final String schema;
    private final Backoff pollBackoff;
    private final ThrottledLogger failureLog;
    private final Counter sent;
    private final Counter retries;
    private final Counter failed;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;

    private MailRelay(Database database, MailSender sender, MailRelaySettings settings, MeterRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.schema = database.settings().schema();
        this.pollBackoff = new Backoff(settings.pollInterval(), settings.backoffMax());
        this.failureLog = new ThrottledLogger(LOGGER, Duration.ofSeconds(30));
        this.sent = counter(registry, "nova.mail.sent", "Mails the SMTP server took");
        this.retries = counter(registry, "nova.mail.retries", "Mail attempts that failed and will be retried");
        this.failed = counter(registry, "nova.mail.failed", "Mails given up (permanent refusal or too old)");
        this.thread = Thread.ofPlatform()
                .name("nova-mail-relay-" + schema)
                .daemon(true)
                .unstarted(this::run);
    }

    /**
     * Starts sending the mail outbox of {@code database}'s schema through {@code sender}.
     *
     * @param registry where the metrics go
     */
    public static MailRelay start(
            Database database, MailSender sender, MailRelaySettings settings, MeterRegistry registry) {
        MailRelay relay = new MailRelay(database, sender, settings, registry);
        relay.thread.start();
        return relay;
    }

    /** Stops after the mail in progress, waiting up to {@code shutdown-timeout}; idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping.countDown();
        try {
            thread.join(settings.shutdownTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }

    private void run() {
        int failuresInRow = 0;
        long nextCleanupAt = System.nanoTime();
        while (stopping.getCount() > 0) {
            try {
                int claimed = sendDue();
                failuresInRow = 0;
                if (System.nanoTime() - nextCleanupAt >= 0) {
                    deleteOldRows();
                    nextCleanupAt = System.nanoTime() + settings.retention().toNanos() / 24;
                }
                if (claimed < settings.batchSize()) {
                    pause(settings.pollInterval());
                }
            } catch (RuntimeException e) {
                // PostgreSQL unavailable: mail waits in the table; the pool reconnects by itself.
                failuresInRow++;
                Duration pause = pollBackoff.delay(failuresInRow);
                failureLog.log(
                        Level.WARNING,
                        "Mail relay of schema '" + schema + "' cannot read its outbox, retrying in " + pause,
                        e);
                pause(pause);
            }
        }
    }

    /** Claims the due mails and sends each; returns how many were claimed. */
    private int sendDue() {
        List<Claimed> due = database.jdbi()
                .withHandle(handle -> handle.createQuery("""
                                UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => :lease),
                                                       attempts = attempts + 1
                                WHERE id IN (SELECT id FROM mail_outbox
                                             WHERE sent_at IS NULL AND failed_at IS NULL AND next_attempt_at <= now()
                                             ORDER BY next_attempt_at, id
                                             LIMIT :limit
                                             FOR UPDATE SKIP LOCKED)
                                RETURNING id, mail_id, recipient, subject, text_body, html_body, attempts, created_at""")
                        .bind("lease", (double) settings.lease().toSeconds())
                        .bind("limit", settings.batchSize())
                        .map((rs, ctx) -> new Claimed(
                                rs.getLong("id"),
                                rs.getObject("mail_id", UUID.class),
                                rs.getString("recipient"),
                                new MailContent(
                                        rs.getString("subject"), rs.getString("text_body"), rs.getString("html_body")),
                                rs.getInt("attempts"),
                                rs.getObject("created_at", OffsetDateTime.class)))
                        .list());
        for (Claimed mail : due) {
            if (stopping.getCount() == 0) {
                break; // the rest stay claimed until their lease ends, then another relay takes them
            }
            send(mail);
        }
        return due.size();
    }

    private void send(Claimed mail) {
        try {
            sender.send(mail.recipient(), mail.content(), mail.mailId().toString());
        } catch (MailSendException e) {
            boolean tooOld = mail.createdAt()
                    .plus(settings.giveUpAfter())
                    .isBefore(OffsetDateTime.now(mail.createdAt().getOffset()));
            if (e.permanent() || tooOld) {
                record("UPDATE mail_outbox SET failed_at = now(), last_error = :error WHERE id = :id", mail, e);
                failed.increment();
                LOGGER.log(
                        Level.WARNING,
                        "Mail " + mail.mailId() + " given up after " + mail.attempts() + " attempt(s): "
                                + e.getMessage());
            } else {
                Duration wait = settings.backoff().delay(mail.attempts());
                database.jdbi()
                        .useHandle(handle -> handle.createUpdate("""
                                        UPDATE mail_outbox SET next_attempt_at = now() + make_interval(secs => :wait),
                                                               last_error = :error
                                        WHERE id = :id""")
                                .bind("wait", wait.toMillis() / 1000.0)
                                .bind("error", truncate(e.getMessage()))
                                .bind("id", mail.id())
                                .execute());
                retries.increment();
                failureLog.log(
                        Level.WARNING,
                        "Mail " + mail.mailId() + " not sent (attempt " + mail.attempts() + "), retrying in " + wait
                                + ": " + e.getMessage(),
                        null);
            }
            return;
        }
        record(
                "UPDATE mail_outbox SET sent_at = now(), text_body = '', html_body = '', last_error = NULL"
                        + " WHERE id = :id",
                mail,
                null);
        sent.increment();
    }

    private void record(String update, Claimed mail, Exception error) {
        database.jdbi().useHandle(handle -> {
            var statement = handle.createUpdate(update).bind("id", mail.id());
            if (error != null) {
                statement.bind("error", truncate(error.getMessage()));
            }
            statement.execute();
        });
    }

    private void deleteOldRows() {
        database.jdbi()
                .useHandle(handle -> handle.createUpdate("""
                                DELETE FROM mail_outbox
                                WHERE (sent_at IS NOT NULL OR failed_at IS NOT NULL)
                                  AND created_at < now() - make_interval(secs => :seconds)""")
                        .bind("seconds", (double) settings.retention().toSeconds())
                        .execute());
    }

    private void pause(Duration delay) {
        try {
            stopping.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    private Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name)
                .description(description)
                .tag("schema", schema)
                .register(registry);
    }

    private static String truncate(String message) {
        String text = message == null ? "(no message)" : message;
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private record Claimed(
            long id, UUID mailId, String recipient, MailContent content, int attempts, OffsetDateTime createdAt) {}
}
