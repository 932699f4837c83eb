package social.nova.errors;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Locale;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.BadRequest;
import com.google.rpc.ErrorInfo;
import com.google.rpc.RequestInfo;
import com.google.rpc.RetryInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;

/**
 * Converts between {@link NovaException} and google.rpc.Status with its standard details
 * (ErrorInfo, BadRequest, RetryInfo, RequestInfo), carried in the {@code grpc-status-details-bin}
 * trailer.
 */
final class StatusDetails {
    private static final System.Logger LOG = System.getLogger(StatusDetails.class.getName());

    private StatusDetails() {}

    static boolean isStatusException(Throwable t) {
        return t instanceof StatusRuntimeException || t instanceof StatusException;
    }

    static com.google.rpc.Status toProto(NovaException e) {
        com.google.rpc.Status.Builder status = com.google.rpc.Status.newBuilder()
                .setCode(e.code().grpcCode().value())
                .setMessage(e.getMessage());
        if (e.reason().isPresent() || e.domain().isPresent() || !e.metadata().isEmpty()) {
            status.addDetails(Any.pack(ErrorInfo.newBuilder()
                    .setReason(e.reason().orElse(""))
                    .setDomain(e.domain().orElse(""))
                    .putAllMetadata(e.metadata())
                    .build()));
        }
        if (!e.violations().isEmpty()) {
            BadRequest.Builder badRequest = BadRequest.newBuilder();
            e.violations()
                    .forEach(v -> badRequest.addFieldViolations(BadRequest.FieldViolation.newBuilder()
                            .setField(v.field())
                            .setDescription(v.description())));
            status.addDetails(Any.pack(badRequest.build()));
        }
        e.retryAfter()
                .ifPresent(delay -> status.addDetails(Any.pack(RetryInfo.newBuilder()
                        .setRetryDelay(com.google.protobuf.Duration.newBuilder()
                                .setSeconds(delay.getSeconds())
                                .setNanos(delay.getNano()))
                        .build())));
        e.requestId()
                .ifPresent(id -> status.addDetails(
                        Any.pack(RequestInfo.newBuilder().setRequestId(id).build())));
        return status.build();
    }

    static StatusRuntimeException toStatusException(NovaException e) {
        // StatusProto offers a cause only on the checked variant; the cause stays server-side.
        StatusException withCause = StatusProto.toStatusException(toProto(e), new Metadata(), e);
        return new StatusRuntimeException(withCause.getStatus(), withCause.getTrailers());
    }

    /** Rebuilds a NovaException from a StatusRuntimeException/StatusException. */
    static NovaException toNovaException(Throwable statusThrowable, Throwable cause) {
        Status status = Status.fromThrowable(statusThrowable);
        if (status.isOk()) {
            // An OK status thrown as an exception is a bug somewhere, not an answer.
            return NovaException.builder(ErrorCode.INTERNAL, NovaException.INTERNAL_MESSAGE)
                    .cause(cause)
                    .build();
        }
        ErrorCode code = ErrorCode.of(status.getCode());
        com.google.rpc.Status proto = detailsOf(statusThrowable);
        String message = proto != null ? proto.getMessage() : status.getDescription();
        if (message == null || message.isEmpty()) {
            message = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        }
        NovaException.Builder builder = NovaException.builder(code, message).cause(cause);
        if (proto != null) {
            for (Any detail : proto.getDetailsList()) {
                addDetail(builder, detail);
            }
        }
        return builder.build();
    }

    private static com.google.rpc.Status detailsOf(Throwable statusThrowable) {
        try {
            return StatusProto.fromThrowable(statusThrowable);
        } catch (IllegalArgumentException mismatch) {
            // The details disagree with the status code: trust the status, drop the details.
            LOG.log(Level.DEBUG, "ignoring inconsistent status details", mismatch);
            return null;
        }
    }

    private static void addDetail(NovaException.Builder builder, Any detail) {
        try {
            if (detail.is(ErrorInfo.class)) {
                ErrorInfo info = detail.unpack(ErrorInfo.class);
                builder.reason(emptyToNull(info.getReason())).domain(emptyToNull(info.getDomain()));
                info.getMetadataMap().forEach(builder::metadata);
            } else if (detail.is(BadRequest.class)) {
                detail.unpack(BadRequest.class)
                        .getFieldViolationsList()
                        .forEach(v -> builder.violation(v.getField(), v.getDescription()));
            } else if (detail.is(RetryInfo.class)) {
                com.google.protobuf.Duration delay =
                        detail.unpack(RetryInfo.class).getRetryDelay();
                builder.retryAfter(Duration.ofSeconds(delay.getSeconds(), delay.getNanos()));
            } else if (detail.is(RequestInfo.class)) {
                builder.requestId(emptyToNull(detail.unpack(RequestInfo.class).getRequestId()));
            }
            // Other detail types (DebugInfo, ...) are not part of Nova's model and are dropped.
        } catch (InvalidProtocolBufferException | IllegalArgumentException malformed) {
            LOG.log(Level.DEBUG, () -> "ignoring malformed status detail " + detail.getTypeUrl(), malformed);
        }
    }

    private static String emptyToNull(String value) {
        return value.isEmpty() ? null : value;
    }
}
