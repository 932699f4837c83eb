package social.nova.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import org.testcontainers.consul.ConsulContainer;

import static org.awaitility.Awaitility.await;

/** What a Consul agent of the tests knows of the services the tests started. */
public final class ConsulHealth {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(100);
    /** What Consul answers for a service with no passing instance. */
    private static final String NONE = "[]";

    private ConsulHealth() {}

    /**
     * Waits until each of {@code services} has a passing instance in {@code consul}, the point from
     * which the resilient clients of other services (which see passing instances only) find it.
     *
     * @throws org.awaitility.core.ConditionTimeoutException when one has none within {@code atMost}
     */
    public static void awaitPassing(ConsulContainer consul, Duration atMost, String... services) {
        try (HttpClient http = HttpClient.newHttpClient()) {
            for (String service : services) {
                URI uri = SharedContainers.consulHttpUri(consul).resolve("/v1/health/service/" + service + "?passing");
                await("a passing instance of " + service + " in Consul")
                        .atMost(atMost)
                        .pollInterval(POLL_INTERVAL)
                        .until(() -> {
                            HttpResponse<String> answer = http.send(
                                    HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
                            return answer.statusCode() == 200
                                    && !NONE.equals(answer.body().strip());
                        });
            }
        }
    }
}
