package social.nova.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.RedisClient;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Each platform image, official or local, works the way Nova's tests and stack use it. */
class PlatformImagesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final int MIB = 1024 * 1024;

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

    /**
     * What a service keeping media relies on: a bucket created with a signed request (path-style), an
     * object put and read back byte for byte with its content type, and a multipart upload (two parts
     * of 5 MiB, S3's smallest but last, and a small last one) read back whole.
     */
    @Test
    void objectStoreKeepsAnObjectAndAMultipartUploadByteForByte() throws Exception {
        ObjectStoreContainer store = SharedContainers.objectStore();
        String bucket = "it-" + UUID.randomUUID();
        store.createBucket(bucket);
        byte[] avatar = randomBytes(64 * 1024);
        byte[][] parts = {randomBytes(5 * MIB), randomBytes(5 * MIB), randomBytes(123_457)};
        String video = "videos/" + UUID.randomUUID() + ".bin";

        try (S3Client s3 = store.newClient()) {
            s3.putObject(
                    request -> request.bucket(bucket).key("avatars/ada.png").contentType("image/png"),
                    RequestBody.fromBytes(avatar));
            var read = s3.getObjectAsBytes(request -> request.bucket(bucket).key("avatars/ada.png"));
            assertThat(read.asByteArray()).isEqualTo(avatar);
            assertThat(read.response().contentType()).isEqualTo("image/png");

            String uploadId = s3.createMultipartUpload(
                            request -> request.bucket(bucket).key(video))
                    .uploadId();
            List<CompletedPart> completed = new ArrayList<>();
            for (int index = 0; index < parts.length; index++) {
                int number = index + 1;
                String etag = s3.uploadPart(
                                request -> request.bucket(bucket)
                                        .key(video)
                                        .uploadId(uploadId)
                                        .partNumber(number),
                                RequestBody.fromBytes(parts[index]))
                        .eTag();
                completed.add(
                        CompletedPart.builder().partNumber(number).eTag(etag).build());
            }
            s3.completeMultipartUpload(request -> request.bucket(bucket)
                    .key(video)
                    .uploadId(uploadId)
                    .multipartUpload(upload -> upload.parts(completed)));

            MessageDigest sent = MessageDigest.getInstance("SHA-256");
            long length = 0;
            for (byte[] part : parts) {
                sent.update(part);
                length += part.length;
            }
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            try (ResponseInputStream<GetObjectResponse> in =
                    s3.getObject(request -> request.bucket(bucket).key(video))) {
                assertThat(in.response().contentLength()).isEqualTo(length);
                byte[] buffer = new byte[64 * 1024];
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    received.update(buffer, 0, n);
                }
            }
            assertThat(HexFormat.of().formatHex(received.digest()))
                    .as("SHA-256 of the multipart object read back")
                    .isEqualTo(HexFormat.of().formatHex(sent.digest()));
        }
    }

    @Test
    void objectStoreRefusesARequestSignedWithAWrongSecretKey() {
        ObjectStoreContainer store = SharedContainers.objectStore();
        String bucket = "it-" + UUID.randomUUID();
        store.createBucket(bucket);

        try (S3Client wrong = ObjectStoreContainer.client(store.endpoint(), store.accessKey(), "wrong-secret-key")) {
            assertThatThrownBy(() -> wrong.putObject(
                            request -> request.bucket(bucket).key("forged.txt"), RequestBody.fromString("forged")))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            refused -> assertThat(refused.statusCode()).isEqualTo(403));
            assertThatThrownBy(() -> wrong.listObjectsV2(request -> request.bucket(bucket)))
                    .isInstanceOfSatisfying(
                            S3Exception.class,
                            refused -> assertThat(refused.statusCode()).isEqualTo(403));
        }
        try (S3Client s3 = store.newClient()) {
            assertThat(s3.listObjectsV2(request -> request.bucket(bucket)).contents())
                    .as("nothing was stored by the refused request")
                    .isEmpty();
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
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
