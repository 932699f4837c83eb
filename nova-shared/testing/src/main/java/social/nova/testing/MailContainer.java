package social.nova.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.awaitility.core.ConditionTimeoutException;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

import static org.awaitility.Awaitility.await;

/**
 * A GreenMail server (official {@code greenmail/standalone} image or Nova's local stand-in) set up
 * the way Nova's development stacks run it ({@link #DEV_OPTIONS}): a real SMTP and IMAP server that
 * accepts mail for any address, whose mailboxes anyone reads over IMAP by logging in with the
 * address as user and as password (GreenMail creates that user when it first delivers to the
 * address; with authentication disabled it checks no password at all). Nothing leaves the
 * container: a development and test server only.
 */
public class MailContainer extends GenericContainer<MailContainer> {
    /** SMTP inside the container (GreenMail's test setup: the standard port plus 3000). */
    public static final int SMTP_PORT = 3025;
    /** IMAP inside the container. */
    public static final int IMAP_PORT = 3143;
    /**
     * GreenMail's options ({@code GREENMAIL_OPTS}, read by both images): SMTP and IMAP on the test
     * ports, listening on every interface, authentication disabled.
     */
    public static final String DEV_OPTIONS = "-Dgreenmail.setup.test.smtp -Dgreenmail.setup.test.imap"
            + " -Dgreenmail.hostname=0.0.0.0 -Dgreenmail.auth.disabled";

    private static final Duration GREETING_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    public MailContainer(DockerImageName image) {
        super(image);
        addExposedPorts(SMTP_PORT, IMAP_PORT);
        addEnv("GREENMAIL_OPTS", DEV_OPTIONS);
        waitingFor(new SmtpGreeting());
    }

    /** Port on the test host that reaches SMTP. */
    public int getSmtpPort() {
        return getMappedPort(SMTP_PORT);
    }

    /** Port on the test host that reaches IMAP. */
    public int getImapPort() {
        return getMappedPort(IMAP_PORT);
    }

    /**
     * Whether an SMTP server at {@code host:port} greets with {@code 220}. An open port is not
     * enough: Docker's proxy accepts connections on a published port before the server listens.
     */
    public static boolean smtpAnswers(String host, int port, Duration timeout) {
        int millis = Math.toIntExact(timeout.toMillis());
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), millis);
            socket.setSoTimeout(millis);
            String greeting = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            OutputStream out = socket.getOutputStream();
            out.write("QUIT\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return greeting != null && greeting.startsWith("220");
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Ready once SMTP greets on the mapped port. */
    private static final class SmtpGreeting extends AbstractWaitStrategy {
        @Override
        protected void waitUntilReady() {
            String host = waitStrategyTarget.getHost();
            int port = waitStrategyTarget.getMappedPort(SMTP_PORT);
            try {
                await("SMTP greeting at " + host + ":" + port)
                        .atMost(startupTimeout)
                        .pollInterval(POLL_INTERVAL)
                        .until(() -> smtpAnswers(host, port, GREETING_TIMEOUT));
            } catch (ConditionTimeoutException e) {
                throw new ContainerLaunchException(
                        "GreenMail's SMTP did not answer at " + host + ":" + port + " within " + startupTimeout, e);
            }
        }
    }
}
