package social.nova.kit;

import java.util.Iterator;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static social.nova.kit.KitFixture.failure;

/** What a grpc-java client receives over the network when a handler on the kit's Helidon server fails. */
class ErrorsIT {
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final KitFixture service = KitFixture.shared();

    @Test
    void novaExceptionReachesTheClientWithItsCodeMessageAndFieldViolations() {
        StatusRuntimeException failure = failure(service.channel, ProbeService.REJECT);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        NovaException error = NovaException.from(failure);
        assertThat(error.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(error.getMessage()).isEqualTo("invalid argument: email must contain @");
        assertThat(error.violations()).containsExactly(FieldViolation.of("email", "must contain @"));
        assertThat(error.requestId()).hasValueSatisfying(id -> assertThat(id).matches(UUID_PATTERN));
    }

    @Test
    void unexpectedExceptionBecomesInternalWithARequestIdAndNothingOfTheException() {
        StatusRuntimeException failure = failure(service.channel, ProbeService.CRASH);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription())
                .matches("internal error \\(request id " + UUID_PATTERN + "\\)");
        assertNothingLeaks(failure);
        NovaException error = NovaException.from(failure);
        assertThat(error.requestId())
                .hasValueSatisfying(id -> assertThat(failure.getMessage()).contains(id));
    }

    @Test
    void streamingHandlerFailingAfterOneMessageDeliversItThenInternal() {
        Iterator<String> replies = ClientCalls.blockingServerStreamingCall(
                service.channel, ProbeService.STREAM_THEN_CRASH, CallOptions.DEFAULT, "x");

        assertThat(replies.next()).isEqualTo("first");
        StatusRuntimeException failure = catchThrowableOfType(StatusRuntimeException.class, replies::hasNext);
        assertThat(failure).isNotNull();
        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription()).startsWith("internal error (request id ");
        assertNothingLeaks(failure);
    }

    @Test
    void requestIdTheClientSentIsTheOneInTheInternalMessage() {
        StatusRuntimeException failure = failure(service.withHeaders("x-request-id", "abc"), ProbeService.CRASH);

        assertThat(failure.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
        assertThat(failure.getStatus().getDescription()).isEqualTo("internal error (request id abc)");
        assertThat(NovaException.from(failure).requestId()).contains("abc");
    }

    @Test
    void novaExceptionCarriesTheRequestIdTheClientSent() {
        StatusRuntimeException failure = failure(service.withHeaders("x-request-id", "req-42"), ProbeService.REJECT);

        assertThat(NovaException.from(failure).requestId()).contains("req-42");
    }

    /** Neither the exception's message nor its type or stack reaches the caller, in status or trailers. */
    private static void assertNothingLeaks(StatusRuntimeException failure) {
        String everything =
                failure.getStatus() + " " + failure.getTrailers() + " " + StatusProto.fromThrowable(failure);
        assertThat(everything)
                .doesNotContain(ProbeService.SECRET)
                .doesNotContain("IllegalStateException")
                .doesNotContain("ProbeService");
    }
}
