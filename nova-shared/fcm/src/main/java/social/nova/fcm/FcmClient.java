package social.nova.fcm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends messages with FCM HTTP v1 ({@code POST {endpoint}/v1/projects/{project}/messages:send})
 * as the configured service account, one message per call.
 *
 * <p>Per message:
 * <ul>
 *   <li>200: {@link SendResult.Sent} with FCM's message name.</li>
 *   <li>{@code UNREGISTERED}, or {@code INVALID_ARGUMENT} naming no field but the token:
 *       {@link DeviceRegistry#remove(String)}, then {@link SendResult.InvalidToken}.</li>
 *   <li>401: the access token is dropped and the message sent once more with a new one.</li>
 *   <li>429, 500, 502, 503, 504, no answer or a failed token exchange for the same reasons: tried
 *       again after an exponential back-off with jitter (Resilience4j's {@link IntervalFunction}), or
 *       after FCM's {@code Retry-After} when that is longer, up to {@code fcm.retry.max-attempts}
 *       attempts and never past {@code fcm.retry.deadline}; then {@link SendResult.Failed}.</li>
 *   <li>Anything else (403 {@code SENDER_ID_MISMATCH}, a refused payload, refused credentials):
 *       {@link SendResult.Failed} at once.</li>
 * </ul>
 *
 * <p>Metrics, tagged with {@code project}: {@code nova.fcm.sent}, {@code nova.fcm.invalid} (tokens
 * refused for good), {@code nova.fcm.retries} (attempts that failed and will be retried),
 * {@code nova.fcm.failed} (given up).
 */
public final class FcmClient implements FcmSender {
    private static final System.Logger LOGGER = System.getLogger(FcmClient.class.getName());
    private static final Set<Integer> RETRYABLE = Set.of(429, 500, 502, 503, 504);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final FcmSettings settings;
    private final DeviceRegistry devices;
    private final Clock clock;
    private final Sleeper sleeper;
    private final HttpClient http;
    private final AccessTokens tokens;
    private final IntervalFunction backoff;
    private final URI sendUri;
    private final Counter sent;
    private final Counter invalid;
    private final Counter retries;
    private final Counter failed;

    /** How the client waits between attempts; tests move a clock instead. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** What one attempt came to. */
    private sealed interface Attempt {}

    private record Done(SendResult result) implements Attempt {}

    private record Unauthorized(String accessToken, String reason) implements Attempt {}

    private record Retry(String reason, Optional<Duration> retryAfter) implements Attempt {}

    public FcmClient(FcmSettings settings, DeviceRegistry devices, MeterRegistry meters) {
        this(settings, devices, meters, Clock.systemUTC(), Thread::sleep);
    }

    FcmClient(FcmSettings settings, DeviceRegistry devices, MeterRegistry meters, Clock clock, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (!settings.enabled()) {
            throw new IllegalArgumentException(
                    "fcm.enabled is false: use FcmSender.create for a sender that sends nothing");
        }
        this.devices = Objects.requireNonNull(devices, "devices");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
        this.tokens = new AccessTokens(
                settings.credentials(), http, settings.timeout(), settings.tokenRefreshMargin(), clock);
        this.backoff = settings.retry().backoff();
        this.sendUri = settings.sendUri();
        this.sent = counter(meters, "nova.fcm.sent", "Messages FCM took");
        this.invalid = counter(meters, "nova.fcm.invalid", "Device tokens FCM refused for good (removed)");
        this.retries = counter(meters, "nova.fcm.retries", "Send attempts that failed and will be retried");
        this.failed = counter(meters, "nova.fcm.failed", "Messages given up");
    }

    @Override
    public SendResult send(FcmMessage message) {
        byte[] body = body(message);
        Instant deadline = clock.instant().plus(settings.retry().deadline());
        boolean tokenRenewed = false;
        int attempts = 0;
        try {
            while (true) {
                attempts++;
                Attempt attempt = attempt(body, message.token(), attempts);
                switch (attempt) {
                    case Done done -> {
                        return finish(done.result(), message);
                    }
                    case Unauthorized refused -> {
                        if (tokenRenewed) {
                            return finish(
                                    new SendResult.Failed(
                                            refused.reason() + " (with a new access token too)", attempts),
                                    message);
                        }
                        tokenRenewed = true;
                        tokens.rejected(refused.accessToken());
                    }
                    case Retry retry -> {
                        if (attempts >= settings.retry().maxAttempts()) {
                            return finish(
                                    new SendResult.Failed(
                                            retry.reason() + " (attempt " + attempts + " of "
                                                    + settings.retry().maxAttempts() + ")",
                                            attempts),
                                    message);
                        }
                        Duration wait = Duration.ofMillis(backoff.apply(attempts));
                        if (retry.retryAfter().isPresent()
                                && retry.retryAfter().get().compareTo(wait) > 0) {
                            wait = retry.retryAfter().get();
                        }
                        if (clock.instant().plus(wait).isAfter(deadline)) {
                            return finish(
                                    new SendResult.Failed(
                                            retry.reason() + " (the next attempt, in " + wait
                                                    + ", would pass fcm.retry.deadline "
                                                    + settings.retry().deadline() + ")",
                                            attempts),
                                    message);
                        }
                        retries.increment();
                        String note = message + " not sent (attempt " + attempts + "), retrying in " + wait + ": "
                                + retry.reason();
                        LOGGER.log(Level.DEBUG, () -> note);
                        sleeper.sleep(wait);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return finish(new SendResult.Failed("interrupted while sending", attempts), message);
        }
    }

    @Override
    public void close() {
        http.close();
    }

    private Attempt attempt(byte[] body, String deviceToken, int attempts) throws InterruptedException {
        String accessToken;
        try {
            accessToken = tokens.get();
        } catch (FcmTokenException e) {
            return e.retryable()
                    ? new Retry(e.getMessage(), Optional.empty())
                    : new Done(new SendResult.Failed(e.getMessage(), attempts));
        }
        HttpRequest request = HttpRequest.newBuilder(sendUri)
                .timeout(settings.timeout())
                .header("Authorization", "Bearer " + accessToken)
                .header("Content-Type", "application/json; charset=UTF-8")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Retry("no answer from FCM at " + settings.endpoint() + ": " + e, Optional.empty());
        }
        int status = response.statusCode();
        if (status == 200) {
            return new Done(new SendResult.Sent(messageName(response.body())));
        }
        FcmError error = FcmError.read(status, response.body());
        if (status == 401) {
            return new Unauthorized(accessToken, error.toString());
        }
        if (RETRYABLE.contains(status)) {
            return new Retry(
                    error.toString(), RetryAfter.parse(response.headers().firstValue("Retry-After"), clock.instant()));
        }
        if (error.unregistered() || error.invalidToken()) {
            return new Done(new SendResult.InvalidToken(deviceToken, error.code()));
        }
        return new Done(new SendResult.Failed(error.toString(), attempts));
    }

    private SendResult finish(SendResult result, FcmMessage message) {
        switch (result) {
            case SendResult.Sent ignored -> sent.increment();
            case SendResult.InvalidToken refused -> {
                invalid.increment();
                LOGGER.log(
                        Level.INFO,
                        () -> "FCM refused device token " + FcmMessage.abbreviate(refused.token()) + " for good ("
                                + refused.errorCode() + "): removing it");
                try {
                    devices.remove(refused.token());
                } catch (RuntimeException e) {
                    LOGGER.log(
                            Level.WARNING,
                            "Device registry did not remove " + FcmMessage.abbreviate(refused.token()),
                            e);
                }
            }
            case SendResult.Failed failure -> {
                failed.increment();
                LOGGER.log(
                        Level.WARNING,
                        () -> message + " given up after " + failure.attempts() + " attempt(s): " + failure.reason());
            }
            case SendResult.Skipped ignored -> {
                // Not produced here.
            }
        }
        return result;
    }

    /** FCM's {@code {"message": {...}}} request body. */
    static byte[] body(FcmMessage message) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode json = root.putObject("message");
        json.put("token", message.token());
        message.notification()
                .ifPresent(notification -> json.putObject("notification")
                        .put("title", notification.title())
                        .put("body", notification.body()));
        if (!message.data().isEmpty()) {
            ObjectNode data = json.putObject("data");
            message.data().forEach(data::put);
        }
        message.android().ifPresent(android -> json.set("android", JSON.valueToTree(android)));
        message.apns().ifPresent(apns -> json.set("apns", JSON.valueToTree(apns)));
        try {
            return JSON.writeValueAsBytes(root);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String messageName(String body) {
        try {
            JsonNode root = JSON.readTree(body == null ? "" : body);
            return root == null ? "" : root.path("name").asText("");
        } catch (IOException e) {
            return "";
        }
    }

    private Counter counter(MeterRegistry meters, String name, String description) {
        return Counter.builder(name)
                .description(description)
                .tag("project", settings.projectId())
                .register(meters);
    }
}
