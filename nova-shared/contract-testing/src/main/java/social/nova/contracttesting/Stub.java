package social.nova.contracttesting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.Predicate;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import social.nova.errors.NovaException;

/**
 * One declarative answer of a {@link NovaStubServer}: which calls of a method it matches (field
 * values, predicates), the provider state it stands for, and its answer (a message, a stream of
 * messages, or a status with Nova's error details). Typed by the generated stubs' method
 * descriptor; nothing in it is written per service.
 *
 * <pre>{@code
 * content.stub(ContentServiceGrpc.getGetPostMethod())
 *         .given(ProviderState.of("a post by the caller").with("postId", POST_ID).with("accessToken", TOKEN))
 *         .whenField("post_id", POST_ID)
 *         .willReturn(GetPostResponse.newBuilder().setPost(post).build());
 * }</pre>
 *
 * The stub takes part in matching once it has its answer (a {@code will...} method); it cannot be
 * changed afterwards. Later stubs are tried first, so a test can override a general stub with a
 * specific one.
 */
public final class Stub<Req extends Message, Resp extends Message> {
    private final NovaStubServer server;
    private final MethodDescriptor<Req, Resp> method;
    private final Descriptor requestType;
    private final List<Condition> conditions = new ArrayList<>();
    private ProviderState state;
    private String description;
    private volatile boolean inContract = true;
    private volatile Answer<Req, Resp> answer;
    private final AtomicReference<Exchange> firstExchange = new AtomicReference<>();

    Stub(NovaStubServer server, MethodDescriptor<Req, Resp> method, Descriptor requestType) {
        this.server = server;
        this.method = method;
        this.requestType = requestType;
    }

    /** The provider state this answer stands for; written into the consumer contract. */
    public Stub<Req, Resp> given(ProviderState state) {
        checkOpen();
        this.state = Objects.requireNonNull(state, "state");
        return this;
    }

    /** As {@link #given(ProviderState)} with a state that needs no values. */
    public Stub<Req, Resp> given(String state) {
        return given(ProviderState.of(state));
    }

    /**
     * Matches calls whose request has {@code value} at {@code path} (proto field names, dotted for
     * nested messages: {@code page.limit}). Numbers, booleans and strings compare by their text,
     * enums by their name (give the generated enum or its name).
     *
     * @throws IllegalArgumentException if the request type has no such field
     */
    public Stub<Req, Resp> whenField(String path, Object value) {
        checkOpen();
        FieldPath field = FieldPath.of(path);
        field.checkAgainst(requestType);
        Object expected = FieldPath.normalize(Objects.requireNonNull(value, "value"));
        conditions.add(new Condition(
                path + " = " + quote(expected),
                (request, headers) -> expected.equals(field.read(request)),
                (request, headers) -> path + " was " + quote(field.read(request))));
        return this;
    }

    /**
     * Matches calls with this request header ({@code authorization}, {@code x-request-id}): for
     * answers that hold only for one caller.
     */
    public Stub<Req, Resp> whenHeader(String name, String value) {
        checkOpen();
        if (!NovaStubServer.RECORDED_HEADERS.contains(name)) {
            throw new IllegalArgumentException(
                    "only the headers " + NovaStubServer.RECORDED_HEADERS + " can be matched");
        }
        Objects.requireNonNull(value, "value");
        conditions.add(new Condition(
                name + " header = \"" + (name.equals("authorization") ? "…" : value) + "\"",
                (request, headers) -> value.equals(headers.get(name)),
                (request, headers) -> "another " + name + " header"));
        return this;
    }

    /** Matches calls whose request satisfies {@code predicate}, described as {@code description}. */
    @SuppressWarnings("unchecked")
    public Stub<Req, Resp> when(String description, Predicate<? super Req> predicate) {
        checkOpen();
        Objects.requireNonNull(predicate, "predicate");
        conditions.add(new Condition(
                description,
                (request, headers) -> predicate.test((Req) request),
                (request, headers) -> "not " + description));
        return this;
    }

    /** A name for the interaction in the contract and in mismatch messages. */
    public Stub<Req, Resp> describedAs(String description) {
        checkOpen();
        this.description = Objects.requireNonNull(description, "description");
        return this;
    }

    /**
     * Keeps this stub out of the consumer contract: for a stub that simulates the provider broadly
     * over the test's own data ({@code willAnswer} on any request), whose recorded call could not be
     * replayed at the real provider. Pin what the consumer relies on with a specific stub (a
     * provider state, exact field values) that is in the contract.
     */
    public Stub<Req, Resp> excludedFromContract() {
        checkOpen();
        this.inContract = false;
        return this;
    }

    /** Answers a unary call with {@code response} (a server-streaming call with this one message). */
    public NovaStubServer willReturn(Resp response) {
        Objects.requireNonNull(response, "response");
        return complete(new Answer<>((request, headers) -> List.of(response), null));
    }

    /** Answers a server-streaming call with these messages, in order, then OK. */
    public NovaStubServer willStream(List<Resp> responses) {
        List<Resp> copy = List.copyOf(responses);
        if (method.getType() == MethodDescriptor.MethodType.UNARY && copy.size() != 1) {
            throw new IllegalArgumentException(
                    method.getFullMethodName() + " is unary: it answers exactly one message");
        }
        return complete(new Answer<>((request, headers) -> copy, null));
    }

    /** Answers with a message computed from the request. */
    public NovaStubServer willAnswer(Function<? super Req, ? extends Resp> answer) {
        Objects.requireNonNull(answer, "answer");
        return complete(new Answer<>((request, headers) -> List.of(answer.apply(request)), null));
    }

    /**
     * Answers with a message computed from the request and its headers ({@code authorization},
     * {@code x-request-id}): for answers that depend on the caller, as a provider's do.
     */
    public NovaStubServer willAnswer(BiFunction<? super Req, Map<String, String>, ? extends Resp> answer) {
        Objects.requireNonNull(answer, "answer");
        return complete(new Answer<>((request, headers) -> List.of(answer.apply(request, headers)), null));
    }

    /**
     * Fails the call with Nova's status and error details, exactly as a Nova service sends them:
     * {@code NovaException.notFound("post", id)}, {@code NovaException.invalidArgument(FieldViolation.of(...))},
     * {@code NovaException.rateLimited(Duration.ofSeconds(2))}, or a builder with a reason.
     */
    public NovaStubServer willFail(NovaException failure) {
        Objects.requireNonNull(failure, "failure");
        return complete(new Answer<>(null, failure.toStatusException()));
    }

    /** Fails the call with a plain status (no Nova details). */
    public NovaStubServer willFail(Status status) {
        Objects.requireNonNull(status, "status");
        if (status.isOk()) {
            throw new IllegalArgumentException("willFail needs an error status, not OK");
        }
        return complete(status.asRuntimeException());
    }

    private NovaStubServer complete(StatusRuntimeException failure) {
        return complete(new Answer<>(null, failure));
    }

    private NovaStubServer complete(Answer<Req, Resp> completed) {
        checkOpen();
        this.answer = completed;
        server.register(this);
        return server;
    }

    private void checkOpen() {
        if (answer != null) {
            throw new IllegalStateException(
                    "stub " + description() + " already has its answer and takes part in matching");
        }
    }

    MethodDescriptor<Req, Resp> method() {
        return method;
    }

    Answer<Req, Resp> answer() {
        return answer;
    }

    boolean inContract() {
        return inContract;
    }

    Optional<ProviderState> state() {
        return Optional.ofNullable(state);
    }

    /** The stub as people read it: its description, or its method and conditions. */
    String description() {
        if (description != null) {
            return description;
        }
        String name = method.getBareMethodName();
        return conditions.isEmpty()
                ? name + " (any request)"
                : name + " when "
                        + String.join(
                                " and ",
                                conditions.stream().map(Condition::description).toList());
    }

    /** How {@code request} with {@code headers} fares against every condition. */
    Match match(Message request, Map<String, String> headers) {
        List<String> mismatches = new ArrayList<>();
        int satisfied = 0;
        for (Condition condition : conditions) {
            boolean ok;
            try {
                ok = condition.test().test(request, headers);
            } catch (RuntimeException e) {
                ok = false;
            }
            if (ok) {
                satisfied++;
            } else {
                mismatches.add(condition.mismatch().apply(request, headers));
            }
        }
        return new Match(
                mismatches.isEmpty(), conditions.isEmpty() ? 1.0 : (double) satisfied / conditions.size(), mismatches);
    }

    /**
     * Remembers the first call this stub answered: the interaction the consumer contract records.
     *
     * @return whether it was the first
     */
    boolean recordExchange(Exchange exchange) {
        return firstExchange.compareAndSet(null, exchange);
    }

    Optional<Exchange> firstExchange() {
        return Optional.ofNullable(firstExchange.get());
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    record Condition(
            String description,
            BiPredicate<Message, Map<String, String>> test,
            BiFunction<Message, Map<String, String>, String> mismatch) {}

    record Match(boolean matched, double score, List<String> mismatches) {}

    /** Either the messages to send or the failure. */
    record Answer<Req, Resp>(
            BiFunction<Req, Map<String, String>, List<Resp>> responses, StatusRuntimeException failure) {}

    /** One call as answered: what the contract writes down. */
    record Exchange(
            Message request, Map<String, String> metadata, List<Message> responses, StatusRuntimeException failure) {}
}
