package social.nova.errors;

import java.util.EnumMap;
import java.util.Map;

import io.grpc.Status;

/**
 * The error codes Nova uses, each tied to the gRPC status code it travels as and to the HTTP
 * status the API gateway answers with. gRPC codes Nova does not use itself are folded into the
 * nearest one by {@link #of(Status.Code)}.
 */
public enum ErrorCode {
    /** The request is malformed or a field is invalid. */
    INVALID_ARGUMENT(Status.Code.INVALID_ARGUMENT, 400),
    /** No valid credentials came with the request. */
    UNAUTHENTICATED(Status.Code.UNAUTHENTICATED, 401),
    /** The caller is known but may not do this. */
    PERMISSION_DENIED(Status.Code.PERMISSION_DENIED, 403),
    /** The addressed entity does not exist (or is hidden from the caller). */
    NOT_FOUND(Status.Code.NOT_FOUND, 404),
    /** The entity the caller tried to create exists already. */
    ALREADY_EXISTS(Status.Code.ALREADY_EXISTS, 409),
    /** The system is not in the state the operation needs (e.g. a second factor is required). */
    FAILED_PRECONDITION(Status.Code.FAILED_PRECONDITION, 400),
    /** A concurrency conflict (optimistic lock, transaction abort): the caller may retry. */
    ABORTED(Status.Code.ABORTED, 409),
    /** A quota or rate limit is exhausted. */
    RESOURCE_EXHAUSTED(Status.Code.RESOURCE_EXHAUSTED, 429),
    /** The caller cancelled; 499 is the de facto "client closed request" status. */
    CANCELLED(Status.Code.CANCELLED, 499),
    /** The deadline passed before the work finished. */
    DEADLINE_EXCEEDED(Status.Code.DEADLINE_EXCEEDED, 504),
    /** A position past the end of the data (a download resumed beyond the file's end); 416 "range not satisfiable". */
    OUT_OF_RANGE(Status.Code.OUT_OF_RANGE, 416),
    /** A dependency is down or overloaded: retry later. */
    UNAVAILABLE(Status.Code.UNAVAILABLE, 503),
    /** The operation is not implemented by this server. */
    UNIMPLEMENTED(Status.Code.UNIMPLEMENTED, 501),
    /** A bug or an unexpected failure; details stay in the server log. */
    INTERNAL(Status.Code.INTERNAL, 500);

    private static final Map<Status.Code, ErrorCode> BY_GRPC_CODE = new EnumMap<>(Status.Code.class);

    static {
        for (ErrorCode code : values()) {
            BY_GRPC_CODE.put(code.grpcCode, code);
        }
        // gRPC codes Nova does not raise itself, folded into the closest Nova code.
        BY_GRPC_CODE.put(Status.Code.UNKNOWN, INTERNAL);
        BY_GRPC_CODE.put(Status.Code.DATA_LOSS, INTERNAL);
    }

    private final Status.Code grpcCode;
    private final int httpStatus;

    ErrorCode(Status.Code grpcCode, int httpStatus) {
        this.grpcCode = grpcCode;
        this.httpStatus = httpStatus;
    }

    /** The gRPC status code this error travels as. */
    public Status.Code grpcCode() {
        return grpcCode;
    }

    /** The HTTP status the API gateway answers with. */
    public int httpStatus() {
        return httpStatus;
    }

    /**
     * The Nova code for a gRPC status code: UNKNOWN and DATA_LOSS become INTERNAL.
     *
     * @throws IllegalArgumentException for {@code OK}, which is not an error
     */
    public static ErrorCode of(Status.Code grpcCode) {
        ErrorCode code = BY_GRPC_CODE.get(grpcCode);
        if (code == null) {
            throw new IllegalArgumentException("gRPC status " + grpcCode + " is not an error");
        }
        return code;
    }
}
