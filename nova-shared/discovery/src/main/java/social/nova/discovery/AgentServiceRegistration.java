package social.nova.discovery;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.kiwiproject.consul.ConsulException;
import org.kiwiproject.consul.model.agent.Registration;
import org.kiwiproject.consul.util.Jackson;

/**
 * {@code PUT /v1/agent/service/register} with the document consul-client builds for the instance
 * (its {@link Registration}, serialized by consul-client's own mapper) plus
 * {@code TaggedAddresses}, a field of Consul's service definition that consul-client's agent model
 * lacks (1.12.1: only its catalog model has one). Everything else about the agent (the registration
 * check, deregistration, health queries) still goes through consul-client; this is the one call it
 * cannot make.
 *
 * <p>Failures are consul-client's {@link ConsulException}: with the HTTP status when the agent
 * answered (so {@link ConsulFailures} tells a refusal from an outage as before), without one when
 * it could not be reached.
 */
final class AgentServiceRegistration implements AutoCloseable {
    private static final int FIRST_ERROR = 400;
    private static final int MAX_ERROR_BODY = 300;

    private final HttpClient http;
    private final HttpRequest request;

    private AgentServiceRegistration(HttpClient http, HttpRequest request) {
        this.http = http;
        this.request = request;
    }

    static AgentServiceRegistration create(
            ConsulSettings settings,
            Registration registration,
            Map<String, InstanceRegistration.TaggedAddress> taggedAddresses) {
        HttpRequest.Builder request = HttpRequest.newBuilder(settings.url().resolve("/v1/agent/service/register"))
                .timeout(settings.readTimeout())
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(
                        document(registration, taggedAddresses), StandardCharsets.UTF_8));
        settings.token().ifPresent(token -> request.header("X-Consul-Token", token));
        HttpClient http = HttpClient.newBuilder()
                .connectTimeout(settings.connectTimeout())
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        return new AgentServiceRegistration(http, request.build());
    }

    /** The JSON the agent receives: consul-client's registration plus {@code TaggedAddresses}. */
    static String document(Registration registration, Map<String, InstanceRegistration.TaggedAddress> taggedAddresses) {
        ObjectNode document = Jackson.MAPPER.valueToTree(registration);
        if (!taggedAddresses.isEmpty()) {
            ObjectNode tagged = document.putObject("TaggedAddresses");
            taggedAddresses.forEach((key, address) ->
                    tagged.putObject(key).put("Address", address.address()).put("Port", address.port()));
        }
        try {
            return Jackson.MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the registration of " + registration.getId(), e);
        }
    }

    URI uri() {
        return request.uri();
    }

    /** Sends the registration; the agent replaces an earlier registration of the same id. */
    void send() {
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ConsulException("Consul agent at " + request.uri() + " could not be reached", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConsulException("interrupted while registering at " + request.uri(), e);
        }
        if (response.statusCode() >= FIRST_ERROR) {
            throw new AgentAnswer(response.statusCode(), body(response));
        }
    }

    /** Releases the HTTP client's connections and threads. */
    @Override
    public void close() {
        http.close();
    }

    private static String body(HttpResponse<String> response) {
        String body = Optional.ofNullable(response.body()).orElse("").strip();
        return body.length() > MAX_ERROR_BODY ? body.substring(0, MAX_ERROR_BODY) + "..." : body;
    }

    /** The agent answered with an error status. */
    static final class AgentAnswer extends ConsulException {
        private static final long serialVersionUID = 1L;
        private final int code;

        AgentAnswer(int code, String body) {
            super("Consul responded with " + code + (body.isEmpty() ? "" : ": " + body));
            this.code = code;
        }

        @Override
        public boolean hasCode() {
            return true;
        }

        @Override
        public int getCode() {
            return code;
        }
    }
}
