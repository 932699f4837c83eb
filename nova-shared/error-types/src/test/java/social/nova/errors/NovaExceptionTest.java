package social.nova.errors;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;

import com.google.protobuf.Any;
import com.google.rpc.DebugInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class NovaExceptionTest {

    @Test
    void factoriesGiveCodeAndReadableMessage() {
        assertThat(NovaException.notFound("user", "42"))
                .returns(ErrorCode.NOT_FOUND, NovaException::code)
                .hasMessage("user '42' not found");
        assertThat(NovaException.alreadyExists("handle", "ada"))
                .returns(ErrorCode.ALREADY_EXISTS, NovaException::code)
                .hasMessage("handle 'ada' already exists");
        assertThat(NovaException.unauthenticated("token expired"))
                .returns(ErrorCode.UNAUTHENTICATED, NovaException::code)
                .hasMessage("token expired");
        assertThat(NovaException.permissionDenied("not the owner"))
                .returns(ErrorCode.PERMISSION_DENIED, NovaException::code);
        assertThat(NovaException.failedPrecondition("verify your email first"))
                .returns(ErrorCode.FAILED_PRECONDITION, NovaException::code);
        assertThat(NovaException.unavailable("timeline store down"))
                .returns(ErrorCode.UNAVAILABLE, NovaException::code)
                .returns(java.util.Optional.empty(), NovaException::retryAfter);
        assertThat(NovaException.unavailable("timeline store down", Duration.ofSeconds(5))
                        .retryAfter())
                .contains(Duration.ofSeconds(5));
        assertThat(NovaException.internal("inconsistent counters").code()).isEqualTo(ErrorCode.INTERNAL);
    }

    @Test
    void invalidArgumentCarriesTheViolations() {
        NovaException e = NovaException.invalidArgument(FieldViolation.of("email", "must be an email address"));

        assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(e.violations()).containsExactly(new FieldViolation("email", "must be an email address"));
        assertThat(e).hasMessage("invalid argument: email must be an email address");
    }

    @Test
    void rateLimitedTellsWhenToRetry() {
        NovaException e = NovaException.rateLimited(Duration.ofMillis(1500));

        assertThat(e.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
        assertThat(e.reason()).contains("RATE_LIMITED");
        assertThat(e.retryAfter()).contains(Duration.ofMillis(1500));
        assertThat(e).hasMessage("rate limit exceeded, retry after 2 s");
    }

    @Test
    void negativeRetryAfterIsRejected() {
        assertThatIllegalArgumentException().isThrownBy(() -> NovaException.rateLimited(Duration.ofSeconds(-1)));
    }

    @Test
    void everyDetailSurvivesTheTripThroughGoogleRpcStatus() {
        NovaException sent = fullyLoaded();

        NovaException received = NovaException.from(sent.toStatusException());

        assertSameError(received, sent);
        assertThat(received.getCause()).isInstanceOf(StatusRuntimeException.class);
    }

    @Test
    void rebuildsFromACheckedStatusExceptionAndThroughWrappers() {
        StatusRuntimeException onTheWire = fullyLoaded().toStatusException();
        StatusException checked = new StatusException(onTheWire.getStatus(), onTheWire.getTrailers());

        assertSameError(NovaException.from(checked), fullyLoaded());
        assertSameError(NovaException.from(new ExecutionException(onTheWire)), fullyLoaded());
    }

    @Test
    void aStatusWithoutDetailsKeepsCodeAndDescription() {
        NovaException e = NovaException.from(
                Status.UNAVAILABLE.withDescription("io exception").asRuntimeException());

        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(e).hasMessage("io exception");
        assertThat(e.violations()).isEmpty();
        assertThat(e.reason()).isEmpty();
    }

    @Test
    void aStatusWithoutDescriptionGetsTheCodeAsMessage() {
        assertThat(NovaException.from(Status.DEADLINE_EXCEEDED.asRuntimeException()))
                .hasMessage("deadline exceeded");
    }

    @Test
    void foreignDetailsLikeDebugInfoAreDropped() {
        com.google.rpc.Status withDebugInfo = com.google.rpc.Status.newBuilder()
                .setCode(Status.Code.INTERNAL.value())
                .setMessage("boom")
                .addDetails(Any.pack(DebugInfo.newBuilder()
                        .addStackEntries("at Secret.method()")
                        .build()))
                .build();

        NovaException e = NovaException.from(StatusProto.toStatusRuntimeException(withDebugInfo));

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e.toStatusProto().toString()).doesNotContain("Secret");
    }

    @Test
    void anUnknownThrowableBecomesInternalWithoutItsMessage() {
        IllegalStateException bug = new IllegalStateException("password=hunter2");

        NovaException e = NovaException.from(bug);

        assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
        assertThat(e).hasMessage("internal error").hasCause(bug);
        assertThat(e.toStatusProto().toString()).doesNotContain("hunter2");
    }

    @Test
    void aNovaExceptionIsReturnedAsItIs() {
        NovaException e = NovaException.notFound("post", "7");

        assertThat(NovaException.from(e)).isSameAs(e);
    }

    @Test
    void withRequestIdKeepsEverythingElse() {
        RuntimeException cause = new RuntimeException("db");
        NovaException original = NovaException.builder(ErrorCode.ABORTED, "conflict")
                .reason("VERSION_CONFLICT")
                .cause(cause)
                .build();

        NovaException withId = original.withRequestId("req-1");

        assertThat(withId.requestId()).contains("req-1");
        assertThat(withId.reason()).contains("VERSION_CONFLICT");
        assertThat(withId).hasMessage("conflict").hasCause(cause);
        assertThat(withId.getStackTrace()).isEqualTo(original.getStackTrace());
        assertThat(original.requestId()).isEmpty();
    }

    @Test
    void theStatusExceptionCarriesTheDetailsTrailer() {
        StatusRuntimeException e = NovaException.notFound("user", "42").toStatusException();

        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(e.getStatus().getDescription()).isEqualTo("user '42' not found");
        assertThat(e.getTrailers().keys()).contains("grpc-status-details-bin");
        assertThat(e.getTrailers().get(Metadata.Key.of("grpc-status-details-bin", Metadata.BINARY_BYTE_MARSHALLER)))
                .isNotEmpty();
    }

    static NovaException fullyLoaded() {
        return NovaException.builder(ErrorCode.ALREADY_EXISTS, "email already registered")
                .reason("EMAIL_TAKEN")
                .domain("auth.nova.social")
                .metadata("email", "ada@example.org")
                .violation("email", "is taken")
                .retryAfter(Duration.ofMillis(2500))
                .requestId("req-7")
                .build();
    }

    static void assertSameError(NovaException received, NovaException sent) {
        assertThat(received.code()).isEqualTo(sent.code());
        assertThat(received).hasMessage(sent.getMessage());
        assertThat(received.reason()).isEqualTo(sent.reason());
        assertThat(received.domain()).isEqualTo(sent.domain());
        assertThat(received.metadata()).isEqualTo(sent.metadata());
        assertThat(received.violations()).isEqualTo(sent.violations());
        assertThat(received.retryAfter()).isEqualTo(sent.retryAfter());
        assertThat(received.requestId()).isEqualTo(sent.requestId());
    }

    @Test
    void fullyLoadedHasEveryDetail() {
        // Guards the round-trip tests above against comparing empty values.
        NovaException e = fullyLoaded();
        assertThat(e.metadata()).isEqualTo(Map.of("email", "ada@example.org"));
        assertThat(e.violations()).hasSize(1);
        assertThat(e.retryAfter()).isPresent();
        assertThat(e.requestId()).isPresent();
        assertThat(e.toStatusProto().getDetailsCount()).isEqualTo(4);
    }
}
