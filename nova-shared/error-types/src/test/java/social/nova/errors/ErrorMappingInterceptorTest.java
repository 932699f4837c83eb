package social.nova.errors;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Handlers throw; a real in-process gRPC client receives what {@link ErrorMappingInterceptor} made of it. */
class ErrorMappingInterceptorTest {
    private static final Metadata.Key<String> DOWNSTREAM_TRAILER =
            Metadata.Key.of("x-downstream", Metadata.ASCII_STRING_MARSHALLER);

    private final AtomicReference<String> currentRequestId = new AtomicReference<>("req-42");
    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Logger interceptorLog = Logger.getLogger(ErrorMappingInterceptor.class.getName());
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
    };
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void startServer() throws IOException {
        interceptorLog.addHandler(capture);
        String name = InProcessServerBuilder.generateName();
        server = InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(
                        TestService.definition(), new ErrorMappingInterceptor(currentRequestId::get)))
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        interceptorLog.removeHandler(capture);
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aSuccessfulCallIsUntouched() {
        assertThat(unary("ok")).isEqualTo("hello");
    }

    @Test
    void theCallerReceivesCodeMessageAndDetailsOfWhatTheHandlerThrew() {
        NovaException received = NovaException.from(unaryFailure("full"));

        NovaException expected = TestService.FULL.withRequestId("req-42");
        NovaExceptionTest.assertSameError(received, expected);
    }

    @Test
    void violationsCollectedByTheHandlerReachTheCaller() {
        StatusRuntimeException failure = unaryFailure("invalid");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(NovaException.from(failure).violations())
                .containsExactly(
                        FieldViolation.of("email", "must be an email address"),
                        FieldViolation.of("handle", "must not be blank"));
    }

    @Test
    void anUnknownExceptionBecomesInternalWithTheRequestIdAndNothingElse() {
        StatusRuntimeException failure = unaryFailure("bug");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription()).isEqualTo("internal error (request id req-42)");
        assertThat(NovaException.from(failure).requestId()).contains("req-42");
        assertThat(failure.getTrailers().toString()).doesNotContain("hunter2").doesNotContain("IllegalState");
        assertThat(NovaException.from(failure).toStatusProto().toString()).doesNotContain("hunter2");
    }

    @Test
    void anUnknownExceptionIsLoggedServerSideWithTheRequestId() {
        unaryFailure("bug");

        assertThat(logged).anySatisfy(record -> {
            assertThat(record.getMessage()).contains("req-42").contains("test.Errors/Unary");
            assertThat(record.getThrown()).hasMessage("password=hunter2");
        });
    }

    @Test
    void aRequestIdIsGeneratedWhenTheContextHasNone() {
        currentRequestId.set(null);

        StatusRuntimeException failure = unaryFailure("bug");

        String requestId = NovaException.from(failure).requestId().orElseThrow();
        assertThat(requestId).isNotBlank();
        assertThat(failure.getStatus().getDescription()).isEqualTo("internal error (request id " + requestId + ")");
        assertThat(NovaException.from(unaryFailure("not-found")).requestId())
                .isPresent()
                .isNotEqualTo(requestId);
    }

    @Test
    void aDownstreamStatusIsPassedThroughUnchanged() {
        StatusRuntimeException failure = unaryFailure("downstream");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getStatus().getDescription()).isEqualTo("users unavailable");
        assertThat(failure.getTrailers().get(DOWNSTREAM_TRAILER)).isEqualTo("kept");
        assertThat(NovaException.from(failure).requestId()).isEmpty();
    }

    @Test
    void aBrokenDatabaseConnectionBecomesUnavailableNotInternal() {
        StatusRuntimeException failure = unaryFailure("db-restarting");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getStatus().getDescription()).isEqualTo("storage temporarily unavailable; retry later");
        assertThat(NovaException.from(failure).requestId()).contains("req-42");
        assertThat(failure.getTrailers().toString()).doesNotContain("10.0.0.7").doesNotContain("administrator");
        assertThat(logged).anySatisfy(record -> assertThat(record.getMessage()).contains("req-42"));
    }

    @Test
    void aStatementCancelledAtTheDeadlineBecomesDeadlineExceeded() {
        StatusRuntimeException failure = unaryFailure("db-statement-timeout");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
    }

    @Test
    void aMarkedDownstreamFailurePassedOnKeepsTheDependencyMarker() {
        StatusRuntimeException failure = unaryFailure("dependency-rethrown");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(DependencyFailures.isMarked(failure.getTrailers())).isTrue();
    }

    @Test
    void aNovaExceptionCausedByAMarkedDownstreamFailureIsMarked() {
        StatusRuntimeException failure = unaryFailure("dependency-wrapped");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(failure.getStatus().getDescription()).isEqualTo("cannot confirm the author right now");
        assertThat(DependencyFailures.isMarked(failure.getTrailers())).isTrue();
        assertThat(failure.getTrailers().getAll(DependencyFailures.TRAILER)).hasSize(1);
    }

    @Test
    void aServicesOwnFailureCarriesNoDependencyMarker() {
        assertThat(DependencyFailures.isMarked(unaryFailure("full").getTrailers()))
                .isFalse();
        assertThat(DependencyFailures.isMarked(unaryFailure("bug").getTrailers()))
                .isFalse();
        assertThat(DependencyFailures.isMarked(unaryFailure("downstream").getTrailers()))
                .isFalse();
        assertThat(DependencyFailures.isMarked(unaryFailure("db-restarting").getTrailers()))
                .isFalse();
    }

    @Test
    void aNovaExceptionPassedToOnErrorIsMapped() {
        NovaException received = NovaException.from(unaryFailure("onerror-nova"));

        assertThat(received.code()).isEqualTo(ErrorCode.PERMISSION_DENIED);
        assertThat(received).hasMessage("not your post");
        assertThat(received.reason()).contains("NOT_OWNER");
        assertThat(received.requestId()).contains("req-42");
    }

    @Test
    void anUnknownExceptionPassedToOnErrorBecomesInternal() {
        StatusRuntimeException failure = unaryFailure("onerror-bug");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription()).isEqualTo("internal error (request id req-42)");
        assertThat(failure.getTrailers().toString()).doesNotContain("secret");
    }

    @Test
    void aStatusPassedToOnErrorIsUnchanged() {
        StatusRuntimeException failure = unaryFailure("onerror-status");

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
        assertThat(failure.getStatus().getDescription()).isEqualTo("retry the transaction");
    }

    @Test
    void throwingAfterCompletingDoesNotCloseTheCallTwice() {
        assertThat(unary("complete-then-throw")).isEqualTo("done");
        assertThat(unary("ok")).isEqualTo("hello");
    }

    @Test
    void aStreamFailingBeforeTheFirstMessageEndsWithTheError() {
        Iterator<String> replies =
                ClientCalls.blockingServerStreamingCall(channel, TestService.STREAM, CallOptions.DEFAULT, "before");

        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, replies::hasNext);

        NovaException received = NovaException.from(failure);
        assertThat(received.code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(received).hasMessage("feed 'f1' not found");
        assertThat(received.requestId()).contains("req-42");
    }

    @Test
    void aStreamFailingAfterTheFirstMessageDeliversItThenTheError() {
        Iterator<String> replies =
                ClientCalls.blockingServerStreamingCall(channel, TestService.STREAM, CallOptions.DEFAULT, "after");

        assertThat(replies.next()).isEqualTo("first");
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, replies::hasNext);

        NovaException received = NovaException.from(failure);
        assertThat(received.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(received.retryAfter()).contains(Duration.ofSeconds(3));
    }

    @Test
    void aStreamWithABugAfterTheFirstMessageEndsInternal() {
        Iterator<String> replies =
                ClientCalls.blockingServerStreamingCall(channel, TestService.STREAM, CallOptions.DEFAULT, "after-bug");

        assertThat(replies.next()).isEqualTo("first");
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, replies::hasNext);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription()).isEqualTo("internal error (request id req-42)");
    }

    @Test
    void aClientStreamFailingInOnMessageEndsWithTheError() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(TestService.COLLECT, CallOptions.DEFAULT), completing(reply));
        requests.onNext("good");
        requests.onNext("bad");
        requests.onCompleted();

        ExecutionException failure =
                catchThrowableOfType(ExecutionException.class, () -> reply.get(5, TimeUnit.SECONDS));

        NovaException received = NovaException.from(failure);
        assertThat(received.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(received.violations()).containsExactly(FieldViolation.of("item", "must not be 'bad'"));
    }

    @Test
    void aClientStreamHandlerReceivesNoMoreMessagesAfterItFailed() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        StreamObserver<String> requests = ClientCalls.asyncClientStreamingCall(
                channel.newCall(TestService.COLLECT, CallOptions.DEFAULT), completing(reply));
        requests.onNext("bad");
        requests.onNext("bug");
        requests.onCompleted();

        ExecutionException failure =
                catchThrowableOfType(ExecutionException.class, () -> reply.get(5, TimeUnit.SECONDS));

        assertThat(NovaException.from(failure).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(logged).noneMatch(record -> record.getThrown() != null);
    }

    private String unary(String request) {
        return ClientCalls.blockingUnaryCall(channel, TestService.UNARY, CallOptions.DEFAULT, request);
    }

    private StatusRuntimeException unaryFailure(String request) {
        return catchThrowableOfType(StatusRuntimeException.class, () -> unary(request));
    }

    private static StreamObserver<String> completing(CompletableFuture<String> reply) {
        return new StreamObserver<>() {
            @Override
            public void onNext(String value) {
                reply.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                reply.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        };
    }

    /** A tiny service over plain strings, defined without generated stubs. */
    private static final class TestService {
        static final NovaException FULL = NovaException.builder(ErrorCode.ALREADY_EXISTS, "email already registered")
                .reason("EMAIL_TAKEN")
                .domain("auth.nova.social")
                .metadata("email", "ada@example.org")
                .violation("email", "is taken")
                .retryAfter(Duration.ofSeconds(1))
                .build();
        static final MethodDescriptor<String, String> UNARY = method(MethodDescriptor.MethodType.UNARY, "Unary");
        static final MethodDescriptor<String, String> STREAM =
                method(MethodDescriptor.MethodType.SERVER_STREAMING, "Stream");
        static final MethodDescriptor<String, String> COLLECT =
                method(MethodDescriptor.MethodType.CLIENT_STREAMING, "Collect");

        static ServerServiceDefinition definition() {
            return ServerServiceDefinition.builder("test.Errors")
                    .addMethod(UNARY, ServerCalls.asyncUnaryCall(TestService::unary))
                    .addMethod(STREAM, ServerCalls.asyncServerStreamingCall(TestService::stream))
                    .addMethod(COLLECT, ServerCalls.asyncClientStreamingCall(TestService::collect))
                    .build();
        }

        private static void unary(String request, StreamObserver<String> response) {
            switch (request) {
                case "ok" -> {
                    response.onNext("hello");
                    response.onCompleted();
                }
                case "full" -> throw FULL;
                case "not-found" -> throw NovaException.notFound("user", "42");
                case "invalid" -> {
                    Violations v = new Violations();
                    v.require("ada.example.org".contains("@"), "email", "must be an email address");
                    v.requireNonBlank("", "handle");
                    v.throwIfAny();
                }
                case "bug" -> throw new IllegalStateException("password=hunter2");
                case "db-restarting" ->
                    throw new IllegalStateException(
                            "Unable to execute statement",
                            new java.sql.SQLException(
                                    "FATAL: terminating connection due to administrator command" + " (10.0.0.7:5432)",
                                    "57P01"));
                case "db-statement-timeout" ->
                    response.onError(new IllegalStateException(
                            "Unable to execute",
                            new java.sql.SQLException("ERROR: canceling statement due to user request", "57014")));
                case "downstream" -> {
                    Metadata trailers = new Metadata();
                    trailers.put(DOWNSTREAM_TRAILER, "kept");
                    throw Status.UNAVAILABLE
                            .withDescription("users unavailable")
                            .asRuntimeException(trailers);
                }
                case "dependency-rethrown" -> throw markedDownstreamFailure();
                case "dependency-wrapped" ->
                    throw NovaException.builder(ErrorCode.UNAVAILABLE, "cannot confirm the author right now")
                            .cause(markedDownstreamFailure())
                            .build();
                case "onerror-nova" ->
                    response.onError(NovaException.builder(ErrorCode.PERMISSION_DENIED, "not your post")
                            .reason("NOT_OWNER")
                            .build());
                case "onerror-bug" -> response.onError(new IllegalStateException("secret"));
                case "onerror-status" ->
                    response.onError(Status.ABORTED
                            .withDescription("retry the transaction")
                            .asRuntimeException());
                case "complete-then-throw" -> {
                    response.onNext("done");
                    response.onCompleted();
                    throw new IllegalStateException("after completion");
                }
                default -> throw new IllegalArgumentException(request);
            }
        }

        /** What a nova-rpc client throws when the call it made failed after its retries. */
        private static StatusRuntimeException markedDownstreamFailure() {
            Metadata trailers = new Metadata();
            DependencyFailures.mark(trailers);
            return Status.UNAVAILABLE.withDescription("users unavailable").asRuntimeException(trailers);
        }

        private static void stream(String request, StreamObserver<String> response) {
            if (!request.equals("before")) {
                response.onNext("first");
            }
            switch (request) {
                case "before" -> throw NovaException.notFound("feed", "f1");
                case "after" -> throw NovaException.unavailable("feed store down", Duration.ofSeconds(3));
                case "after-bug" -> throw new IllegalStateException("cursor broke");
                default -> throw new IllegalArgumentException(request);
            }
        }

        private static StreamObserver<String> collect(StreamObserver<String> response) {
            return new StreamObserver<>() {
                private int count;

                @Override
                public void onNext(String item) {
                    if (item.equals("bad")) {
                        throw NovaException.invalidArgument(FieldViolation.of("item", "must not be 'bad'"));
                    }
                    if (item.equals("bug")) {
                        throw new IllegalStateException("must never be reached");
                    }
                    count++;
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    response.onNext(Integer.toString(count));
                    response.onCompleted();
                }
            };
        }

        private static MethodDescriptor<String, String> method(MethodDescriptor.MethodType type, String name) {
            return MethodDescriptor.<String, String>newBuilder()
                    .setType(type)
                    .setFullMethodName(MethodDescriptor.generateFullMethodName("test.Errors", name))
                    .setRequestMarshaller(Utf8Marshaller.INSTANCE)
                    .setResponseMarshaller(Utf8Marshaller.INSTANCE)
                    .build();
        }
    }

    private enum Utf8Marshaller implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
