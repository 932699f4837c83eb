package social.nova.errors;

import io.grpc.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ErrorCodeTest {

    @ParameterizedTest(name = "{0} -> gRPC {1}, HTTP {2}")
    @CsvSource({
        "INVALID_ARGUMENT, INVALID_ARGUMENT, 400",
        "UNAUTHENTICATED, UNAUTHENTICATED, 401",
        "PERMISSION_DENIED, PERMISSION_DENIED, 403",
        "NOT_FOUND, NOT_FOUND, 404",
        "ALREADY_EXISTS, ALREADY_EXISTS, 409",
        "FAILED_PRECONDITION, FAILED_PRECONDITION, 400",
        "ABORTED, ABORTED, 409",
        "RESOURCE_EXHAUSTED, RESOURCE_EXHAUSTED, 429",
        "CANCELLED, CANCELLED, 499",
        "DEADLINE_EXCEEDED, DEADLINE_EXCEEDED, 504",
        "OUT_OF_RANGE, OUT_OF_RANGE, 416",
        "UNAVAILABLE, UNAVAILABLE, 503",
        "UNIMPLEMENTED, UNIMPLEMENTED, 501",
        "INTERNAL, INTERNAL, 500",
    })
    void mapsEachCodeToGrpcAndHttpAndBack(ErrorCode code, Status.Code grpcCode, int httpStatus) {
        assertThat(code.grpcCode()).isEqualTo(grpcCode);
        assertThat(code.httpStatus()).isEqualTo(httpStatus);
        assertThat(ErrorCode.of(grpcCode)).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource({"UNKNOWN, INTERNAL", "DATA_LOSS, INTERNAL"})
    void foldsGrpcCodesNovaDoesNotUse(Status.Code grpcCode, ErrorCode expected) {
        assertThat(ErrorCode.of(grpcCode)).isEqualTo(expected);
    }

    @Test
    void everyGrpcErrorCodeHasANovaCode() {
        for (Status.Code grpcCode : Status.Code.values()) {
            if (grpcCode != Status.Code.OK) {
                assertThat(ErrorCode.of(grpcCode)).as(grpcCode.name()).isNotNull();
            }
        }
    }

    @Test
    void okIsNotAnError() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> ErrorCode.of(Status.Code.OK))
                .withMessageContaining("OK");
    }
}
