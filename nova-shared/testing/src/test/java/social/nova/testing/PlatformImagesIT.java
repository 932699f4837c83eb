package social.nova.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.UUID;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Each platform image, official or local, works the way Nova's tests and stack use it. */
class PlatformImagesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void consulAnswersLeaderAndServesTheUi() throws Exception {
        URI consul = SharedContainers.consulHttpUri();

        HttpResponse<String> leader = get(consul.resolve("/v1/status/leader"));
        assertThat(leader.statusCode()).isEqualTo(200);
        assertThat(leader.body()).matches("\"[0-9.]+:[0-9]+\"\\s*");

        HttpResponse<String> ui = get(consul.resolve("/ui/"));
        assertThat(ui.statusCode()).isEqualTo(200);
        assertThat(ui.body()).containsIgnoringCase("<html").contains("Consul");
    }

    @Test
    void postgresAcceptsTheConfiguredUserPasswordAndDatabase() throws Exception {
        var postgres = SharedContainers.postgres();
        try (Connection connection = DriverManager.getConnection(
                        postgres.getJdbcUrl(), SharedContainers.SUPERUSER, SharedContainers.SUPERUSER_PASSWORD);
                Statement statement = connection.createStatement();
                ResultSet row = statement.executeQuery("select current_user, current_database()")) {
            assertThat(row.next()).isTrue();
            assertThat(row.getString(1)).isEqualTo(SharedContainers.SUPERUSER);
            assertThat(row.getString(2)).isEqualTo(SharedContainers.DATABASE);
        }
    }

    @Test
    void postgresRefusesAWrongPassword() {
        var postgres = SharedContainers.postgres();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> DriverManager.getConnection(postgres.getJdbcUrl(), SharedContainers.SUPERUSER, "wrong")
                                .close())
                .hasMessageContaining("password authentication failed");
    }

    @Test
    void redisAnswersPing() {
        try (RedisClient redis = RedisClient.create(
                SharedContainers.redis().getHost(), SharedContainers.redis().getRedisPort())) {
            assertThat(redis.ping()).isEqualTo("PONG");
        }
    }

    /**
     * What a service's mail and a developer's mail client rely on: mail to an address the server has
     * never seen is accepted, and that address's mailbox is read over IMAP with the address as user
     * and password; another new address's mailbox stays empty.
     */
    @Test
    void mailIsAcceptedForANewAddressAndReadBackOverImapAsThatAddress() throws Exception {
        MailContainer mail = SharedContainers.mail();
        String address = "new-" + UUID.randomUUID() + "@example.com";
        Session session = Session.getInstance(mailProperties(mail));
        MimeMessage sent = new MimeMessage(session);
        sent.setFrom("no-reply@nova.example");
        sent.setRecipients(Message.RecipientType.TO, address);
        sent.setSubject("Confirm your Nova account");
        sent.setText("Your code is 314159.", "UTF-8");

        Transport.send(sent);

        await("the mail in " + address + "'s inbox")
                .atMost(Duration.ofSeconds(10))
                .until(() -> messageCount(session, address), count -> count > 0);
        try (Store store = session.getStore("imap")) {
            Message[] inbox = inbox(store, address).getMessages();
            assertThat(inbox).hasSize(1);
            assertThat(inbox[0].getSubject()).isEqualTo("Confirm your Nova account");
            assertThat(inbox[0].getContent()).asString().isEqualToIgnoringWhitespace("Your code is 314159.");
        }
        String other = "other-" + UUID.randomUUID() + "@example.com";
        assertThat(messageCount(session, other))
                .as("another new address's inbox")
                .isZero();
    }

    private static Properties mailProperties(MailContainer mail) {
        Properties properties = new Properties();
        properties.put("mail.smtp.host", mail.getHost());
        properties.put("mail.smtp.port", String.valueOf(mail.getSmtpPort()));
        properties.put("mail.imap.host", mail.getHost());
        properties.put("mail.imap.port", String.valueOf(mail.getImapPort()));
        for (String protocol : new String[] {"smtp", "imap"}) {
            properties.put("mail." + protocol + ".connectiontimeout", "5000");
            properties.put("mail." + protocol + ".timeout", "5000");
        }
        return properties;
    }

    private static int messageCount(Session session, String address) throws MessagingException {
        try (Store store = session.getStore("imap")) {
            return inbox(store, address).getMessageCount();
        }
    }

    /** The address's INBOX, logged in with the address as user and password (closed with the store). */
    private static Folder inbox(Store store, String address) throws MessagingException {
        store.connect(address, address);
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        return inbox;
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).GET().build(), HttpResponse.BodyHandlers.ofString());
    }
}
