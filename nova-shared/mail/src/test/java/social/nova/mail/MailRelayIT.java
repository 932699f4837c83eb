package social.nova.mail;

import java.net.ServerSocket;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;
import social.nova.db.Database;
import social.nova.db.DatabaseSettings;
import social.nova.db.Migrations;
import social.nova.db.SchemaProvisioner;
import social.nova.testing.MailContainer;
import social.nova.testing.Mailbox;
import social.nova.testing.SharedContainers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The mail outbox and its relay against a real PostgreSQL and a real SMTP/IMAP server. */
class MailRelayIT {
    private static final String SCHEMA = "mailer";
    private static final MailRelaySettings FAST = MailRelaySettings.defaults()
            .withRetries(Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(400), Duration.ofDays(1));
    private static Database database;
    private static MailContainer mail;
    private final MailTemplates templates = MailTemplates.load(List.of("greeting"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<MailRelay> relays = new ArrayList<>();

    @BeforeAll
    static void setUp() throws SQLException {
        PGSimpleDataSource admin = new PGSimpleDataSource();
        admin.setUrl(SharedContainers.postgres().getJdbcUrl());
        admin.setUser(SharedContainers.SUPERUSER);
        admin.setPassword(SharedContainers.SUPERUSER_PASSWORD);
        SchemaProvisioner.provision(admin, SCHEMA, SCHEMA, "mailer-pw-for-tests");
        database = Database.create(
                DatabaseSettings.of(SharedContainers.postgres().getJdbcUrl(), SCHEMA, "mailer-pw-for-tests", SCHEMA));
        Migrations.migrate(database.dataSource(), SCHEMA, "classpath:db/none");
        mail = SharedContainers.mail();
    }

    @AfterAll
    static void tearDown() {
        database.close();
    }

    @AfterEach
    void stopRelays() {
        relays.forEach(MailRelay::close);
    }

    @Test
    void aMailWrittenInATransactionArrivesInTheRecipientsMailboxAndItsBodyIsNotKept() {
        String to = "reader-" + UUID.randomUUID() + "@example.com";
        UUID id = database.jdbi()
                .inTransaction(handle -> MailOutbox.append(
                        handle, to, templates.render("greeting", Map.of("name", "Ada", "code", "SECRET-4711"))));
        relays.add(MailRelay.start(database, smtp(mail.getSmtpPort()), FAST, registry));

        List<Mailbox.Mail> received = await().atMost(Duration.ofSeconds(20))
                .until(() -> Mailbox.read(mail.getHost(), mail.getImapPort(), to), messages -> messages.size() == 1);

        assertThat(received.getFirst().subject()).isEqualTo("Welcome, Ada");
        assertThat(received.getFirst().text()).contains("your code is SECRET-4711.");
        assertThat(received.getFirst().html()).contains("<b>SECRET-4711</b>");
        assertThat(received.getFirst().header(SmtpSender.MAIL_ID_HEADER)).contains(id.toString());
        await().atMost(Duration.ofSeconds(10)).until(() -> row(id).sent());
        assertThat(row(id).bodies())
                .as("a sent mail's bodies (single-use tokens) are blanked")
                .isEmpty();
        assertThat(registry.get("nova.mail.sent").counter().count()).isEqualTo(1.0);
    }

    @Test
    void aMailServerOutageDelaysMailAndLosesNone() throws Exception {
        String to = "patient-" + UUID.randomUUID() + "@example.com";
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        // The relay's server is down (nothing listens) until the test brings it back.
        AtomicReference<MailSender> server = new AtomicReference<>(smtp(closedPort));
        relays.add(MailRelay.start(
                database,
                (recipient, content, mailId) -> server.get().send(recipient, content, mailId),
                FAST,
                registry));
        UUID id = database.jdbi()
                .inTransaction(handle -> MailOutbox.append(
                        handle, to, templates.render("greeting", Map.of("name", "Grace", "code", "1"))));

        await().atMost(Duration.ofSeconds(20)).until(() -> row(id).attempts() >= 3);
        Row waiting = row(id);
        assertThat(waiting.sent()).isFalse();
        assertThat(waiting.failed()).isFalse();
        assertThat(waiting.lastError()).contains("did not take the mail");
        assertThat(registry.get("nova.mail.retries").counter().count()).isGreaterThanOrEqualTo(2.0);

        server.set(smtp(mail.getSmtpPort()));

        await().atMost(Duration.ofSeconds(20))
                .until(() -> Mailbox.read(mail.getHost(), mail.getImapPort(), to), messages -> messages.size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> row(id).sent());
    }

    @Test
    void aRecipientTheServerRefusesForGoodIsGivenUpWithTheReason() {
        UUID id = database.jdbi()
                .inTransaction(handle -> MailOutbox.append(
                        handle, "refused@example.com", templates.render("greeting", Map.of("name", "x", "code", "1"))));
        relays.add(MailRelay.start(
                database,
                (recipient, content, mailId) -> {
                    throw new MailSendException("550 5.1.1 no such user", true, null);
                },
                FAST,
                registry));

        await().atMost(Duration.ofSeconds(20)).until(() -> row(id).failed());
        assertThat(row(id).attempts()).isEqualTo(1);
        assertThat(row(id).lastError()).isEqualTo("550 5.1.1 no such user");
        assertThat(registry.get("nova.mail.failed").counter().count()).isEqualTo(1.0);
    }

    @Test
    void appendingOutsideATransactionIsRefused() {
        MailContent content = templates.render("greeting", Map.of("name", "x", "code", "1"));
        assertThatThrownBy(() ->
                        database.jdbi().useHandle(handle -> MailOutbox.append(handle, "someone@example.com", content)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("transaction");
    }

    private static MailSender smtp(int port) {
        return new SmtpSender(SmtpSettings.plain(mail.getHost(), port));
    }

    private static Row row(UUID id) {
        return database.jdbi()
                .withHandle(handle -> handle.createQuery("""
                                SELECT attempts, sent_at IS NOT NULL AS sent, failed_at IS NOT NULL AS failed, last_error,
                                       text_body || html_body AS bodies
                                FROM mail_outbox WHERE mail_id = :id""")
                        .bind("id", id)
                        .map((rs, ctx) -> new Row(
                                rs.getInt("attempts"),
                                rs.getBoolean("sent"),
                                rs.getBoolean("failed"),
                                rs.getString("last_error"),
                                rs.getString("bodies")))
                        .one());
    }

    private record Row(int attempts, boolean sent, boolean failed, String lastError, String bodies) {}
}
