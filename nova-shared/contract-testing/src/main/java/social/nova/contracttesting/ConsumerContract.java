package social.nova.contracttesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one consumer relies on from one provider: the interactions its tests exercised against a
 * {@link NovaStubServer}, as a JSON file ({@code <consumer>--<provider>.json}) that the provider's
 * verification ({@link ContractVerifier}) replays against the real service.
 *
 * @param consumer     who calls (a Nova service or a downstream team's application)
 * @param provider     the Nova service called ({@code content-service})
 * @param interactions each call the consumer relies on
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record ConsumerContract(String consumer, String provider, List<Interaction> interactions) {
    /** File names end with this. */
    public static final String SUFFIX = ".json";

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public ConsumerContract {
        Objects.requireNonNull(consumer, "consumer");
        Objects.requireNonNull(provider, "provider");
        interactions = List.copyOf(interactions == null ? List.of() : interactions);
    }

    /**
     * One call and what the consumer expects of its answer.
     *
     * @param description   what the consumer relies on, in words
     * @param providerState the state the provider must be in, with the placeholders it must fill
     * @param method        full method name, {@code nova.content.v1.ContentService/GetPost}
     * @param metadata      request headers ({@code authorization: Bearer ${accessToken}})
     * @param request       the request in proto3 JSON, with {@code ${placeholders}}
     * @param responses     the answer's messages in proto3 JSON (empty for a failure): every field
     *                      present must be present in the provider's answer with the same JSON
     *                      type; a value with a placeholder must be equal once filled in
     * @param status        the expected status
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Interaction(
            String description,
            ProviderStateSpec providerState,
            String method,
            Map<String, String> metadata,
            JsonNode request,
            List<JsonNode> responses,
            ExpectedStatus status) {
        public Interaction {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(method, "method");
            metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
            responses = responses == null ? List.of() : List.copyOf(responses);
            status = status == null ? new ExpectedStatus("OK", null, List.of()) : status;
        }
    }

    /** A provider state as written in the contract: its name and the placeholders it must provide. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ProviderStateSpec(String name, List<String> provides) {
        public ProviderStateSpec {
            Objects.requireNonNull(name, "name");
            provides = provides == null ? List.of() : List.copyOf(provides);
        }
    }

    /**
     * The status the consumer expects.
     *
     * @param code            gRPC status code name ({@code OK}, {@code NOT_FOUND})
     * @param reason          Nova's {@code ErrorInfo} reason, when the consumer relies on it
     * @param fieldViolations fields named in {@code BadRequest} violations, when it relies on them
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record ExpectedStatus(String code, String reason, List<String> fieldViolations) {
        public ExpectedStatus {
            Objects.requireNonNull(code, "code");
            fieldViolations = fieldViolations == null ? List.of() : List.copyOf(fieldViolations);
        }
    }

    /** The file name of this contract: {@code <consumer>--<provider>.json}. */
    public String fileName() {
        return consumer + "--" + provider + SUFFIX;
    }

    /** Writes the contract into {@code directory} (created if missing) and returns its path. */
    public Path writeTo(Path directory) {
        try {
            Files.createDirectories(directory);
            Path file = directory.resolve(fileName());
            JSON.writeValue(file.toFile(), this);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the contract " + fileName() + " into " + directory, e);
        }
    }

    /** Reads a contract file. */
    public static ConsumerContract read(Path file) {
        try {
            return JSON.readValue(file.toFile(), ConsumerContract.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the consumer contract " + file, e);
        }
    }

    /** Every {@code *.json} contract directly in {@code directory}, by name; none if it does not exist. */
    public static List<ConsumerContract> readAll(Path directory) {
        List<ConsumerContract> contracts = new ArrayList<>();
        if (!Files.isDirectory(directory)) {
            return contracts;
        }
        try (var files = Files.list(directory)) {
            files.filter(f -> f.toString().endsWith(SUFFIX)).sorted().forEach(f -> contracts.add(read(f)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
        return contracts;
    }
}
