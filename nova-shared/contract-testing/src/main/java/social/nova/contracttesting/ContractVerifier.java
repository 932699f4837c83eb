package social.nova.contracttesting;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

/**
 * Replays a {@link ConsumerContract} against the real provider: for each interaction it sets up the
 * provider state, fills the placeholders with what the state produced, calls the method (generic
 * over {@link ContractDescriptors}, no generated classes) and compares the answer with what the
 * consumer relies on:
 * <ul>
 *   <li>the status code, and Nova's reason and violated fields when the contract names them;</li>
 *   <li>every field of each expected message present in the answer with the same JSON type
 *       (proto3 JSON, fields without presence printed at their defaults); a value holding a
 *       placeholder must equal its filled value; every element of an expected list must match some
 *       element of the answer's list.</li>
 * </ul>
 * A broken interaction is reported with the consumer, the interaction and every difference; it is
 * the provider's verification that fails, not the consumer's build.
 */
public final class ContractVerifier {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z][A-Za-z0-9_]*)}");
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    /** Brings the provider into a named state and returns the values of the placeholders it provides. */
    @FunctionalInterface
    public interface ProviderStates {
        /**
         * @param state    the state's name in the contract
         * @param provides the placeholders the interaction needs
         * @return placeholder to value (real ids, a real access token)
         * @throws IllegalArgumentException if the provider does not know the state
         */
        Map<String, String> setUp(String state, List<String> provides);
    }

    /** The outcome of one interaction. */
    public record Result(String consumer, String provider, String description, String method, List<String> problems) {
        public Result {
            problems = List.copyOf(problems);
        }

        public boolean passed() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            return consumer + " -> " + provider + " \"" + description + "\" (" + method + "): "
                    + (passed() ? "passed" : String.join("; ", problems));
        }
    }

    private final ContractDescriptors descriptors;
    private final ProviderStates states;
    private final Function<String, Channel> channels;
    private final Duration deadline;

    /**
     * @param channels the channel to a running instance of a provider, by provider name
     * @param deadline of each call
     */
    public ContractVerifier(
            ContractDescriptors descriptors,
            ProviderStates states,
            Function<String, Channel> channels,
            Duration deadline) {
        this.descriptors = Objects.requireNonNull(descriptors, "descriptors");
        this.states = Objects.requireNonNull(states, "states");
        this.channels = Objects.requireNonNull(channels, "channels");
        this.deadline = Objects.requireNonNull(deadline, "deadline");
    }

    /** One result per interaction, in the contract's order. */
    public List<Result> verify(ConsumerContract contract) {
        List<Result> results = new ArrayList<>();
        for (ConsumerContract.Interaction interaction : contract.interactions()) {
            results.add(new Result(
                    contract.consumer(),
                    contract.provider(),
                    interaction.description(),
                    interaction.method(),
                    problems(contract.provider(), interaction)));
        }
        return results;
    }

    private List<String> problems(String provider, ConsumerContract.Interaction interaction) {
        List<String> problems = new ArrayList<>();
        Map<String, String> values = Map.of();
        if (interaction.providerState() != null) {
            try {
                values = states.setUp(
                        interaction.providerState().name(),
                        interaction.providerState().provides());
            } catch (RuntimeException e) {
                return List.of("provider state '" + interaction.providerState().name() + "' could not be set up: "
                        + e.getMessage());
            }
            for (String placeholder : interaction.providerState().provides()) {
                if (!values.containsKey(placeholder)) {
                    problems.add("provider state '"
                            + interaction.providerState().name() + "' did not provide ${" + placeholder + "}");
                }
            }
            if (!problems.isEmpty()) {
                return problems;
            }
        }
        Descriptors.MethodDescriptor method;
        DynamicMessage request;
        try {
            method = descriptors.method(interaction.method());
            DynamicMessage.Builder builder = DynamicMessage.newBuilder(method.getInputType());
            JsonNode template =
                    interaction.request() == null ? ConsumerContract.JSON.createObjectNode() : interaction.request();
            JsonFormat.parser().merge(fill(template, values).toString(), builder);
            request = builder.build();
        } catch (IllegalArgumentException | InvalidProtocolBufferException e) {
            return List.of("the request cannot be built against the provider's contract: " + e.getMessage());
        }
        Metadata headers = new Metadata();
        for (Map.Entry<String, String> header : interaction.metadata().entrySet()) {
            headers.put(
                    Metadata.Key.of(header.getKey(), Metadata.ASCII_STRING_MARSHALLER),
                    fill(header.getValue(), values));
        }
        List<JsonNode> answers = new ArrayList<>();
        StatusRuntimeException failure = null;
        try {
            answers = call(channels.apply(provider), headers, method, request);
        } catch (StatusRuntimeException e) {
            failure = e;
        } catch (RuntimeException e) {
            return List.of("the interaction cannot be replayed: " + e.getMessage());
        }
        compareStatus(interaction.status(), failure, problems);
        if (failure == null) {
            compareAnswers(interaction.responses(), answers, values, problems);
        }
        return problems;
    }

    private List<JsonNode> call(
            Channel channel, Metadata headers, Descriptors.MethodDescriptor method, DynamicMessage request) {
        MethodDescriptor<DynamicMessage, DynamicMessage> grpcMethod =
                MethodDescriptor.<DynamicMessage, DynamicMessage>newBuilder()
                        .setType(
                                method.isServerStreaming()
                                        ? MethodDescriptor.MethodType.SERVER_STREAMING
                                        : method.isClientStreaming()
                                                ? MethodDescriptor.MethodType.CLIENT_STREAMING
                                                : MethodDescriptor.MethodType.UNARY)
                        .setFullMethodName(MethodDescriptor.generateFullMethodName(
                                method.getService().getFullName(), method.getName()))
                        .setRequestMarshaller(
                                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getInputType())))
                        .setResponseMarshaller(
                                ProtoUtils.marshaller(DynamicMessage.getDefaultInstance(method.getOutputType())))
                        .build();
        Channel withHeaders = ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
        CallOptions options = CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
        List<JsonNode> answers = new ArrayList<>();
        if (method.isClientStreaming()) {
            throw new IllegalArgumentException(
                    "client-streaming methods are not replayed yet: " + method.getFullName());
        }
        if (method.isServerStreaming()) {
            Iterator<DynamicMessage> stream =
                    ClientCalls.blockingServerStreamingCall(withHeaders, grpcMethod, options, request);
            stream.forEachRemaining(message -> answers.add(json(message)));
        } else {
            answers.add(json(ClientCalls.blockingUnaryCall(withHeaders, grpcMethod, options, request)));
        }
        return answers;
    }

    private static void compareStatus(
            ConsumerContract.ExpectedStatus expected, StatusRuntimeException failure, List<String> problems) {
        String actual = failure == null ? "OK" : failure.getStatus().getCode().name();
        if (!expected.code().equals(actual)) {
            problems.add("expected status " + expected.code() + ", got " + actual
                    + (failure == null ? "" : " (" + failure.getStatus().getDescription() + ")"));
            return;
        }
        if (failure == null) {
            return;
        }
        NovaException nova = NovaException.from(failure);
        if (expected.reason() != null && !expected.reason().equals(nova.reason().orElse(null))) {
            problems.add("expected reason " + expected.reason() + ", got "
                    + nova.reason().orElse("none"));
        }
        List<String> violated =
                nova.violations().stream().map(FieldViolation::field).toList();
        for (String field : expected.fieldViolations()) {
            if (!violated.contains(field)) {
                problems.add("expected a violation of field '" + field + "', got " + violated);
            }
        }
    }

    private static void compareAnswers(
            List<JsonNode> expected, List<JsonNode> actual, Map<String, String> values, List<String> problems) {
        if (expected.isEmpty()) {
            return;
        }
        if (actual.isEmpty()) {
            problems.add("expected " + expected.size() + " message(s), the provider sent none");
            return;
        }
        for (int i = 0; i < actual.size(); i++) {
            JsonNode template = expected.get(Math.min(i, expected.size() - 1));
            match(template, actual.get(i), actual.size() == 1 ? "response" : "response[" + i + "]", values, problems);
        }
    }

    /** Whether {@code actual} has every field of {@code expected}, typed alike, placeholders equal. */
    static void match(
            JsonNode expected, JsonNode actual, String path, Map<String, String> values, List<String> problems) {
        if (actual == null || actual.isMissingNode() || actual.isNull()) {
            problems.add(path + " is missing");
            return;
        }
        if (expected.isObject()) {
            if (!actual.isObject()) {
                problems.add(path + " should be an object, is " + actual.getNodeType());
                return;
            }
            expected.properties()
                    .forEach(field -> match(
                            field.getValue(),
                            actual.get(field.getKey()),
                            path + "." + field.getKey(),
                            values,
                            problems));
        } else if (expected.isArray()) {
            if (!actual.isArray()) {
                problems.add(path + " should be a list, is " + actual.getNodeType());
                return;
            }
            for (int i = 0; i < expected.size(); i++) {
                JsonNode wanted = expected.get(i);
                List<String> closest = null;
                for (JsonNode element : actual) {
                    List<String> differences = new ArrayList<>();
                    match(wanted, element, path + "[]", values, differences);
                    if (differences.isEmpty()) {
                        closest = List.of();
                        break;
                    }
                    if (closest == null || differences.size() < closest.size()) {
                        closest = differences;
                    }
                }
                if (closest == null) {
                    problems.add(path + " is empty; the consumer expects an element like " + wanted);
                } else if (!closest.isEmpty()) {
                    problems.add(path + " has no element like " + fill(wanted.toString(), values) + " (closest: "
                            + String.join("; ", closest) + ")");
                }
            }
        } else if (expected.isTextual()
                && PLACEHOLDER.matcher(expected.asText()).find()) {
            String wanted = fill(expected.asText(), values);
            if (!actual.isTextual() || !wanted.equals(actual.asText())) {
                problems.add(path + " should be \"" + wanted + "\", is " + actual);
            }
        } else if (expected.getNodeType() != actual.getNodeType()) {
            problems.add(path + " should be a " + expected.getNodeType().name().toLowerCase() + " (like " + expected
                    + "), is " + actual);
        }
    }

    /** The tree with every placeholder in its strings filled (values stay valid JSON strings). */
    static JsonNode fill(JsonNode node, Map<String, String> values) {
        if (node.isTextual()) {
            return TextNode.valueOf(fill(node.asText(), values));
        }
        if (node.isObject()) {
            ObjectNode copy = ConsumerContract.JSON.createObjectNode();
            node.properties().forEach(field -> copy.set(field.getKey(), fill(field.getValue(), values)));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ConsumerContract.JSON.createArrayNode();
            node.forEach(element -> copy.add(fill(element, values)));
            return copy;
        }
        return node;
    }

    /** Replaces each {@code ${name}} with its value; unknown placeholders stay as they are. */
    static String fill(String text, Map<String, String> values) {
        Matcher matcher = PLACEHOLDER.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            matcher.appendReplacement(filled, Matcher.quoteReplacement(value != null ? value : matcher.group()));
        }
        matcher.appendTail(filled);
        return filled.toString();
    }

    private static JsonNode json(DynamicMessage message) {
        try {
            return ConsumerContract.JSON.readTree(PRINTER.print(message));
        } catch (InvalidProtocolBufferException | JsonProcessingException e) {
            throw new IllegalStateException("cannot read the provider's answer as JSON", e);
        }
    }
}
