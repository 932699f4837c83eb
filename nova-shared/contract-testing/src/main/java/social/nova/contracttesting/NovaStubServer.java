package social.nova.contracttesting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.Descriptors;
import com.google.protobuf.Message;
import com.google.protobuf.TextFormat;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.InsecureServerCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoServiceDescriptorSupplier;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;

/**
 * A stand-in for one Nova service in a consumer's tests: a real gRPC server on a loopback port
 * (or {@link Builder#bindAddress another address})
 * serving the service's real descriptors (every method of its generated {@link ServiceDescriptor},
 * gRPC health and server reflection), answering from declarative {@link Stub stubs}.
 *
 * <pre>{@code
 * try (NovaStubServer content = NovaStubServer.forService("content-service", ContentServiceGrpc.getServiceDescriptor())
 *         .consumer("timeline-app").start()) {
 *     content.stub(ContentServiceGrpc.getGetPostMethod())
 *             .given(ProviderState.of("a post by the caller").with("postId", POST_ID).with("accessToken", TOKEN))
 *             .whenField("post_id", POST_ID)
 *             .willReturn(GetPostResponse.newBuilder().setPost(post).build());
 *     ... the code under test dials content.target() ...
 *     assertThat(content.calls(ContentServiceGrpc.getGetPostMethod())).hasSize(1);
 * }
 * }</pre>
 *
 * <ul>
 *   <li>Matching: the most recently defined stub whose conditions all hold answers. A call no stub
 *       matches fails with {@code UNIMPLEMENTED} naming the closest stub and why it did not match,
 *       and {@link #close()} then fails the test with every such call: nothing unmatched passes
 *       quietly.</li>
 *   <li>Recording: every call, its request, its {@code authorization}, {@code x-request-id},
 *       {@code x-forwarded-for} and {@code x-nova-forwarded-signature} headers and the stub that
 *       answered ({@link #calls()}).</li>
 *   <li>Consumer contract: with a {@link Builder#consumer consumer} name, the server writes
 *       {@code <consumer>--<provider>.json} into the contracts directory (system property
 *       {@code nova.contracts.dir}, default {@code target/nova-contracts}) as stubs answer their
 *       first call and at {@link #close()}: one interaction per stub the tests exercised, from the
 *       first call it answered. Stubs of every server of the same
 *       consumer and provider in one test run end in the same file.</li>
 * </ul>
 * Unary and server-streaming methods are stubbed; a client-streaming call is matched on its first
 * message; bidirectional streaming is answered UNIMPLEMENTED.
 */
public final class NovaStubServer implements AutoCloseable {
    /**
     * The request headers a stub records: the caller's token, the request id, and the client address
     * Nova's gateway forwards with its signature. A contract keeps only {@code authorization}.
     */
    static final List<String> RECORDED_HEADERS =
            List.of("authorization", "x-request-id", "x-forwarded-for", "x-nova-forwarded-signature");
    /** Where contracts go when {@code nova.contracts.dir} is not set (Maven's build directory). */
    public static final Path DEFAULT_CONTRACTS_DIRECTORY = Path.of("target", "nova-contracts");

    private static final Context.Key<Metadata> HEADERS = Context.key("nova-stub-headers");
    private static final long SHUTDOWN_SECONDS = 5;

    private final String provider;
    private final String consumer;
    private final Path contractsDirectory;
    private final ServiceDescriptor service;
    private final Descriptors.ServiceDescriptor protoService;
    private final List<Stub<?, ?>> stubs = new CopyOnWriteArrayList<>();
    private final List<RecordedCall<?>> calls = new CopyOnWriteArrayList<>();
    private final List<String> unmatched = new CopyOnWriteArrayList<>();
    private final HealthStatusManager health = new HealthStatusManager();
    private final Server server;
    private final String bindAddress;
    private volatile boolean closed;

    private NovaStubServer(Builder builder) {
        this.provider = builder.provider;
        this.consumer = builder.consumer;
        this.contractsDirectory = builder.contractsDirectory != null
                ? builder.contractsDirectory
                : Path.of(System.getProperty("nova.contracts.dir", DEFAULT_CONTRACTS_DIRECTORY.toString()));
        this.service = builder.service;
        this.protoService = protoServiceOf(service);
        ServerServiceDefinition.Builder definition = ServerServiceDefinition.builder(service);
        for (MethodDescriptor<?, ?> method : service.getMethods()) {
            addMethod(definition, cast(method));
        }
        health.setStatus("", ServingStatus.SERVING);
        health.setStatus(provider, ServingStatus.SERVING);
        health.setStatus(service.getName(), ServingStatus.SERVING);
        this.bindAddress = builder.bindAddress;
        this.server = NettyServerBuilder.forAddress(
                        new InetSocketAddress(bindAddress, 0), InsecureServerCredentials.create())
                .addService(ServerInterceptors.intercept(definition.build(), new HeaderCapture()))
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                .build();
    }

    /**
     * A stub server for {@code provider} (the Nova service's name, {@code content-service}) serving
     * {@code service}, the generated {@code XxxServiceGrpc.getServiceDescriptor()}.
     */
    public static Builder forService(String provider, ServiceDescriptor service) {
        return new Builder(provider, service);
    }

    /** Starts {@link #stub defining} an answer of {@code method}, a method of this server's service. */
    public <Req extends Message, Resp extends Message> Stub<Req, Resp> stub(MethodDescriptor<Req, Resp> method) {
        Objects.requireNonNull(method, "method");
        Descriptors.MethodDescriptor proto = protoService.findMethodByName(method.getBareMethodName());
        if (proto == null || !method.getFullMethodName().equals(service.getName() + "/" + method.getBareMethodName())) {
            throw new IllegalArgumentException(method.getFullMethodName() + " is not a method of " + service.getName());
        }
        return new Stub<>(this, method, proto.getInputType());
    }

    /** {@code <bind address>:<port>} ({@code 127.0.0.1:<port>} by default): what the code under test dials. */
    public String target() {
        return (bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress) + ":" + port();
    }

    /** The address the server listens on. */
    public String bindAddress() {
        return bindAddress;
    }

    public int port() {
        return ((InetSocketAddress) server.getListenSockets().getFirst()).getPort();
    }

    /** The Nova service this server stands in for. */
    public String provider() {
        return provider;
    }

    /** Every call received so far, in order. */
    public List<RecordedCall<?>> calls() {
        return List.copyOf(calls);
    }

    /** The calls of {@code method} received so far, typed. */
    @SuppressWarnings("unchecked")
    public <Req extends Message> List<RecordedCall<Req>> calls(MethodDescriptor<Req, ?> method) {
        return calls.stream()
                .filter(call -> call.method().equals(method.getFullMethodName()))
                .map(call -> (RecordedCall<Req>) call)
                .toList();
    }

    /** Why each unmatched call matched nothing; {@link #close()} fails when this is not empty. */
    public List<String> unmatched() {
        return List.copyOf(unmatched);
    }

    /** The consumer contract of the stubs exercised so far on this server. */
    public ConsumerContract contract() {
        return ContractRecorder.contract(consumer == null ? "(no consumer named)" : consumer, provider, stubs);
    }

    /**
     * Stops the server, writes the consumer contract (when a consumer is named and a stub was
     * exercised) and fails with an {@link AssertionError} listing the calls no stub matched.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdownNow();
        try {
            server.awaitTermination(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        writeContract();
        if (!unmatched.isEmpty()) {
            throw new AssertionError(unmatched.size() + " call(s) to the " + provider + " stub matched no stub:\n  "
                    + String.join("\n  ", unmatched));
        }
    }

    /**
     * Writes the consumer contract now (with a consumer named). It is also written whenever a stub
     * answers its first call and at {@link #close()}, so a server shared by a whole test run (closed
     * at exit) leaves its contract on disk as the run goes.
     */
    public void writeContract() {
        if (consumer != null) {
            ContractRecorder.record(contract(), contractsDirectory);
        }
    }

    void register(Stub<?, ?> stub) {
        stubs.add(stub);
    }

    private <Req extends Message, Resp extends Message> void addMethod(
            ServerServiceDefinition.Builder definition, MethodDescriptor<Req, Resp> method) {
        ServerCallHandler<Req, Resp> handler = switch (method.getType()) {
            case UNARY -> ServerCalls.asyncUnaryCall((request, observer) -> answer(method, request, observer));
            case SERVER_STREAMING ->
                ServerCalls.asyncServerStreamingCall((request, observer) -> answer(method, request, observer));
            case CLIENT_STREAMING ->
                ServerCalls.asyncClientStreamingCall(observer -> new FirstMessage<>(method, observer));
            default ->
                ServerCalls.asyncBidiStreamingCall(observer -> {
                    observer.onError(Status.UNIMPLEMENTED
                            .withDescription("nova stub server: bidirectional streaming (" + method.getFullMethodName()
                                    + ") is not stubbed")
                            .asRuntimeException());
                    return new Ignore<>();
                });
        };
        definition.addMethod(method, handler);
    }

    /** Answers one call from the most recent stub that matches it, and records it. */
    private <Req extends Message, Resp extends Message> void answer(
            MethodDescriptor<Req, Resp> method, Req request, StreamObserver<Resp> observer) {
        Map<String, String> headers = recordedHeaders(HEADERS.get());
        List<Stub<Req, Resp>> candidates = candidates(method);
        for (int i = candidates.size() - 1; i >= 0; i--) {
            Stub<Req, Resp> stub = candidates.get(i);
            if (stub.match(request, headers).matched()) {
                respond(stub, request, headers, observer);
                return;
            }
        }
        String why = unmatchedMessage(method, request, headers, candidates);
        unmatched.add(why);
        calls.add(new RecordedCall<>(
                method.getFullMethodName(), request, headers, Optional.empty(), Status.Code.UNIMPLEMENTED));
        observer.onError(Status.UNIMPLEMENTED.withDescription(why).asRuntimeException());
    }

    private <Req extends Message, Resp extends Message> void respond(
            Stub<Req, Resp> stub, Req request, Map<String, String> headers, StreamObserver<Resp> observer) {
        Stub.Answer<Req, Resp> answer = stub.answer();
        String fullName = stub.method().getFullMethodName();
        if (answer.failure() != null) {
            StatusRuntimeException failure = answer.failure();
            if (stub.recordExchange(new Stub.Exchange(request, headers, List.of(), failure))) {
                writeContract();
            }
            calls.add(new RecordedCall<>(
                    fullName,
                    request,
                    headers,
                    Optional.of(stub.description()),
                    failure.getStatus().getCode()));
            Metadata trailers = new Metadata();
            if (failure.getTrailers() != null) {
                trailers.merge(failure.getTrailers());
            }
            observer.onError(new StatusRuntimeException(failure.getStatus(), trailers));
            return;
        }
        List<Resp> responses;
        try {
            responses = answer.responses().apply(request, headers);
        } catch (RuntimeException e) {
            String why = "nova stub server: the answer of stub " + stub.description() + " threw " + e;
            unmatched.add(why);
            calls.add(new RecordedCall<>(
                    fullName, request, headers, Optional.of(stub.description()), Status.Code.INTERNAL));
            observer.onError(Status.INTERNAL.withDescription(why).asRuntimeException());
            return;
        }
        if (stub.recordExchange(new Stub.Exchange(request, headers, List.copyOf(responses), null))) {
            writeContract();
        }
        calls.add(new RecordedCall<>(fullName, request, headers, Optional.of(stub.description()), Status.Code.OK));
        responses.forEach(observer::onNext);
        observer.onCompleted();
    }

    @SuppressWarnings("unchecked")
    private <Req extends Message, Resp extends Message> List<Stub<Req, Resp>> candidates(
            MethodDescriptor<Req, Resp> method) {
        List<Stub<Req, Resp>> same = new ArrayList<>();
        for (Stub<?, ?> stub : stubs) {
            if (stub.method().getFullMethodName().equals(method.getFullMethodName())) {
                same.add((Stub<Req, Resp>) stub);
            }
        }
        return same;
    }

    private String unmatchedMessage(
            MethodDescriptor<?, ?> method,
            Message request,
            Map<String, String> headers,
            List<? extends Stub<?, ?>> candidates) {
        String call = method.getFullMethodName() + " {" + TextFormat.printer().shortDebugString(request) + "}";
        if (candidates.isEmpty()) {
            Map<String, Integer> stubbed = new TreeMap<>();
            stubs.forEach(stub -> stubbed.merge(stub.method().getBareMethodName(), 1, Integer::sum));
            return "nova stub server (" + provider + "): no stub for " + call + "; stubbed methods: "
                    + (stubbed.isEmpty() ? "none" : stubbed.keySet());
        }
        Stub<?, ?> closest = candidates.stream()
                .max(Comparator.comparingDouble(
                        (Stub<?, ?> stub) -> stub.match(request, headers).score()))
                .orElseThrow();
        return "nova stub server (" + provider + "): no stub matches " + call + "; closest: " + closest.description()
                + " (" + String.join(", ", closest.match(request, headers).mismatches()) + ")";
    }

    private static Map<String, String> recordedHeaders(Metadata headers) {
        Map<String, String> recorded = new TreeMap<>();
        if (headers != null) {
            for (String name : RECORDED_HEADERS) {
                String value = headers.get(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
                if (value != null) {
                    recorded.put(name, value);
                }
            }
        }
        return recorded;
    }

    private static Descriptors.ServiceDescriptor protoServiceOf(ServiceDescriptor service) {
        if (service.getSchemaDescriptor() instanceof ProtoServiceDescriptorSupplier supplier) {
            return supplier.getServiceDescriptor();
        }
        throw new IllegalArgumentException(service.getName() + " carries no proto descriptor: pass the service "
                + "descriptor protoc-gen-grpc-java generated (XxxServiceGrpc.getServiceDescriptor())");
    }

    @SuppressWarnings("unchecked")
    private static MethodDescriptor<Message, Message> cast(MethodDescriptor<?, ?> method) {
        return (MethodDescriptor<Message, Message>) method;
    }

    private NovaStubServer start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the " + provider + " stub server", e);
        }
        return this;
    }

    /** Builds a {@link NovaStubServer}. */
    public static final class Builder {
        private final String provider;
        private final ServiceDescriptor service;
        private String consumer;
        private Path contractsDirectory;
        private String bindAddress = "127.0.0.1";

        private Builder(String provider, ServiceDescriptor service) {
            this.provider = Objects.requireNonNull(provider, "provider");
            this.service = Objects.requireNonNull(service, "service");
            if (!provider.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
                throw new IllegalArgumentException(
                        "provider '" + provider + "' must be a Nova service name such as content-service");
            }
        }

        /** Names the consumer: the stubs exercised are then written as its contract with the provider. */
        public Builder consumer(String consumer) {
            Objects.requireNonNull(consumer, "consumer");
            if (!consumer.matches("[a-z0-9]([a-z0-9-]*[a-z0-9])?")) {
                throw new IllegalArgumentException(
                        "consumer '" + consumer + "' must be lowercase letters, digits and '-'");
            }
            this.consumer = consumer;
            return this;
        }

        /** Where the contract is written; default {@code nova.contracts.dir} or {@code target/nova-contracts}. */
        public Builder contractsDirectory(Path directory) {
            this.contractsDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Listens on {@code address} instead of loopback: an address a container reaches this
         * machine at, for a stub that a Consul agent in a container must health-check.
         */
        public Builder bindAddress(String address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** Starts the server on a free port of its bind address (loopback by default). */
        public NovaStubServer start() {
            return new NovaStubServer(this).start();
        }
    }

    /** Captures the request headers for the handler (they are not otherwise visible to it). */
    private static final class HeaderCapture implements ServerInterceptor {
        @Override
        public <Q, A> ServerCall.Listener<Q> interceptCall(
                ServerCall<Q, A> call, Metadata headers, ServerCallHandler<Q, A> next) {
            return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
        }
    }

    /** A client stream answered when it completes, matched on its first message. */
    private final class FirstMessage<Req extends Message, Resp extends Message> implements StreamObserver<Req> {
        private final MethodDescriptor<Req, Resp> method;
        private final StreamObserver<Resp> observer;
        private final Context context = Context.current();
        private Req first;

        FirstMessage(MethodDescriptor<Req, Resp> method, StreamObserver<Resp> observer) {
            this.method = method;
            this.observer = observer;
        }

        @Override
        public void onNext(Req request) {
            if (first == null) {
                first = request;
            }
        }

        @Override
        public void onError(Throwable t) {
            // The client gave up; nothing to answer.
        }

        @Override
        public void onCompleted() {
            if (first == null) {
                observer.onError(Status.INVALID_ARGUMENT
                        .withDescription("nova stub server: the client stream of " + method.getFullMethodName()
                                + " sent no message")
                        .asRuntimeException());
                return;
            }
            context.run(() -> answer(method, first, observer));
        }
    }

    private static final class Ignore<T> implements StreamObserver<T> {
        @Override
        public void onNext(T value) {}

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
