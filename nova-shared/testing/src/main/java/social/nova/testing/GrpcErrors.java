package social.nova.testing;

import java.util.List;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.function.Executable;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gRPC call's failure as its caller sees it, for the services' integration tests: the status and
 * Nova's error details (reason, domain, field violations), read back with
 * {@link NovaException#from}. A failure is never INTERNAL: an RPC answers bad input and known
 * failures with a precise status.
 */
public final class GrpcErrors {
    private GrpcErrors() {}

    /** The error {@code call} fails with; an assertion error if it succeeds, fails otherwise, or answers INTERNAL. */
    public static NovaException failure(Executable call) {
        try {
            call.execute();
        } catch (StatusRuntimeException e) {
            assertThat(e.getStatus().getCode()).as("status of %s", e).isNotEqualTo(Status.Code.INTERNAL);
            return NovaException.from(e);
        } catch (Throwable e) {
            throw new AssertionError("expected a gRPC error, got " + e, e);
        }
        throw new AssertionError("expected the call to fail");
    }

    /** The fields {@code call}'s INVALID_ARGUMENT names (each once, in order). */
    public static List<String> violatedFields(Executable call) {
        NovaException error = failure(call);
        assertThat(error.code()).as("code of %s", error).isEqualTo(ErrorCode.INVALID_ARGUMENT);
        return error.violations().stream().map(FieldViolation::field).distinct().toList();
    }
}
