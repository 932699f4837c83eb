package social.nova.contracttesting;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

/**
 * Turns exercised stubs into interactions, and keeps one contract per consumer and provider for the
 * whole test run (JVM): every stub server of the same pair adds to it, and each close rewrites the
 * file with everything this run has seen. A file from an earlier run is replaced, not merged: the
 * contract is what the consumer's latest tests rely on.
 */
final class ContractRecorder {
    private static final JsonFormat.Printer PRINTER = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final Map<String, Map<String, ConsumerContract.Interaction>> RUN = new LinkedHashMap<>();

    private ContractRecorder() {}

    static ConsumerContract contract(String consumer, String provider, List<Stub<?, ?>> stubs) {
        List<ConsumerContract.Interaction> interactions = new ArrayList<>();
        for (Stub<?, ?> stub : stubs) {
            if (stub.inContract()) {
                stub.firstExchange().ifPresent(exchange -> interactions.add(interaction(stub, exchange)));
            }
        }
        return new ConsumerContract(consumer, provider, interactions);
    }

    /**
     * Adds the contract's interactions to this run's and writes the run's contract of the pair; writes
     * nothing while the run has no interaction of the pair.
     */
    static synchronized void record(ConsumerContract contract, Path directory) {
        Map<String, ConsumerContract.Interaction> run =
                RUN.computeIfAbsent(directory.toAbsolutePath() + "|" + contract.fileName(), k -> new LinkedHashMap<>());
        for (ConsumerContract.Interaction interaction : contract.interactions()) {
            run.putIfAbsent(key(interaction), interaction);
        }
        if (!run.isEmpty()) {
            new ConsumerContract(contract.consumer(), contract.provider(), List.copyOf(run.values()))
                    .writeTo(directory);
        }
    }

    private static String key(ConsumerContract.Interaction interaction) {
        return interaction.method() + "|" + interaction.description() + "|" + interaction.request() + "|"
                + interaction.status();
    }

    private static ConsumerContract.Interaction interaction(Stub<?, ?> stub, Stub.Exchange exchange) {
        Map<String, String> examples = stub.state().map(ProviderState::examples).orElse(Map.of());
        Map<String, String> metadata = new TreeMap<>();
        exchange.metadata().forEach((name, value) -> {
            if ("authorization".equals(name)) {
                metadata.put(name, substitute(value, examples));
            }
        });
        List<JsonNode> responses = exchange.responses().stream()
                .map(m -> substitute(json(m), examples))
                .toList();
        ConsumerContract.ExpectedStatus status;
        if (exchange.failure() == null) {
            status = new ConsumerContract.ExpectedStatus("OK", null, List.of());
        } else {
            NovaException nova = NovaException.from(exchange.failure());
            status = new ConsumerContract.ExpectedStatus(
                    exchange.failure().getStatus().getCode().name(),
                    nova.reason().orElse(null),
                    nova.violations().stream().map(FieldViolation::field).toList());
        }
        ConsumerContract.ProviderStateSpec state = stub.state()
                .map(s -> new ConsumerContract.ProviderStateSpec(
                        s.name(), List.copyOf(new TreeMap<>(s.examples()).keySet())))
                .orElse(null);
        return new ConsumerContract.Interaction(
                stub.description(),
                state,
                stub.method().getFullMethodName(),
                metadata,
                substitute(json(exchange.request()), examples),
                responses,
                status);
    }

    static JsonNode json(Message message) {
        try {
            return ConsumerContract.JSON.readTree(PRINTER.print(message));
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException(
                    "cannot write " + message.getDescriptorForType().getFullName() + " as JSON", e);
        }
    }

    /** Replaces every example value in the tree's strings with its {@code ${placeholder}}. */
    static JsonNode substitute(JsonNode node, Map<String, String> examples) {
        if (examples.isEmpty()) {
            return node;
        }
        if (node instanceof TextNode text) {
            return TextNode.valueOf(substitute(text.asText(), examples));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode copy = object.objectNode();
            object.properties().forEach(field -> copy.set(field.getKey(), substitute(field.getValue(), examples)));
            return copy;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode copy = array.arrayNode();
            array.forEach(element -> copy.add(substitute(element, examples)));
            return copy;
        }
        return node;
    }

    static String substitute(String text, Map<String, String> examples) {
        String result = text;
        // Longest first: an example contained in another must not break the longer one.
        List<Map.Entry<String, String>> byLength = new ArrayList<>(examples.entrySet());
        byLength.sort(Comparator.comparingInt(
                        (Map.Entry<String, String> e) -> e.getValue().length())
                .reversed());
        for (Map.Entry<String, String> example : byLength) {
            result = result.replace(example.getValue(), "${" + example.getKey() + "}");
        }
        return result;
    }
}
