package social.nova.gateway;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A client of the gateway's server-sent events as an app reads them: one HTTP/1.1 GET with
 * {@code Accept: text/event-stream}, and the events parsed from the lines as they arrive (on a
 * virtual thread of its own). Closing it drops the connection, as a closed browser tab does.
 */
final class EventStreamClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** Put in the queue when the response ended (or the connection broke). */
    private static final Event END = new Event(null, null, null, 0);

    /**
     * One event: its name ({@code message} unless the server named it) and data, or a comment line
     * ({@code data} null); {@code receivedAt} is {@link System#nanoTime()} when it arrived.
     */
    record Event(String name, String data, String comment, long receivedAt) {
        JsonNode json() {
            try {
                return JSON.readTree(data);
            } catch (IOException e) {
                throw new AssertionError("event data is not JSON: " + data, e);
            }
        }
    }

    private final CompletableFuture<HttpResponse<InputStream>> sent;
    private final CompletableFuture<HttpResponse<InputStream>> response;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private volatile String body;

    private EventStreamClient(CompletableFuture<HttpResponse<InputStream>> sent) {
        this.sent = sent;
        this.response = sent.thenApply(answer -> {
            if (answer.statusCode() == 200) {
                Thread.ofVirtual().name("event-stream-reader").start(() -> read(answer.body()));
            } else {
                try (InputStream in = answer.body()) {
                    body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return answer;
        });
    }

    /**
     * Sends {@code GET uri} with the token (null: none) and extra headers, and returns at once: the
     * gateway answers only with the stream's first update (or a refusal), which {@link #status()},
     * {@link #header} and {@link #next()} wait for.
     */
    static EventStreamClient open(URI uri, String token, Map<String, String> headers) {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("Accept", "text/event-stream");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        headers.forEach(request::setHeader);
        return new EventStreamClient(HTTP.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofInputStream()));
    }

    static EventStreamClient open(URI uri, String token) {
        return open(uri, token, Map.of());
    }

    int status() {
        return answer().statusCode();
    }

    String header(String name) {
        return answer().headers().firstValue(name).orElse(null);
    }

    /** The body of an answer that is not an event stream, parsed (the gateway's error JSON). */
    JsonNode errorJson() {
        answer();
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + body, e);
        }
    }

    /** The next event or comment, waited for; null when the response ended. */
    Event next() {
        answer();
        try {
            Event event = events.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            if (event == null) {
                throw new AssertionError("no event, comment or end within " + WAIT);
            }
            return event == END ? null : event;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The next event with data, skipping comments; null when the response ended. */
    Event nextEvent() {
        Event event = next();
        while (event != null && event.data() == null) {
            event = next();
        }
        return event;
    }

    /** Every remaining event with data, until the response ends. */
    List<Event> rest() {
        List<Event> rest = new ArrayList<>();
        for (Event event = nextEvent(); event != null; event = nextEvent()) {
            rest.add(event);
        }
        return rest;
    }

    /** Drops the connection. */
    @Override
    public void close() {
        if (!response.isDone()) {
            sent.cancel(true);
            return;
        }
        try {
            response.join().body().close();
        } catch (IOException | RuntimeException e) {
            // Closing is all that was asked.
        }
    }

    private HttpResponse<InputStream> answer() {
        try {
            return response.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("no answer within " + WAIT, e);
        }
    }

    private void read(InputStream body) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String name = null;
            StringBuilder data = null;
            String comment = null;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.isEmpty()) {
                    if (data != null || comment != null) {
                        events.add(new Event(
                                name == null ? "message" : name,
                                data == null ? null : data.toString(),
                                comment,
                                System.nanoTime()));
                    }
                    name = null;
                    data = null;
                    comment = null;
                } else if (line.startsWith(":")) {
                    comment = line.substring(1);
                } else if (line.startsWith("data:")) {
                    data = data == null ? new StringBuilder() : data.append('\n');
                    data.append(value(line, "data:"));
                } else if (line.startsWith("event:")) {
                    name = value(line, "event:");
                }
            }
        } catch (IOException e) {
            // The connection broke or was closed: the stream ended either way.
        } finally {
            events.add(END);
        }
    }

    /** A field's value: what follows the colon, without one leading space. */
    private static String value(String line, String field) {
        String value = line.substring(field.length());
        return value.startsWith(" ") ? value.substring(1) : value;
    }
}
