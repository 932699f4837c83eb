package social.nova.errors;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import io.grpc.StatusRuntimeException;

/**
 * The one exception Nova handlers throw. It carries an {@link ErrorCode}, a message safe to show
 * the caller, and the structured details of google.rpc.Status: an ErrorInfo reason, domain and
 * metadata, BadRequest field violations, a RetryInfo delay and the RequestInfo request id.
 * {@link ErrorMappingInterceptor} turns it into a gRPC status; {@link #from(Throwable)} rebuilds
 * it on the calling side, and {@link HttpError} renders it for the gateway.
 * <pre>{@code
 * throw NovaException.notFound("user", userId);
 * throw NovaException.builder(ErrorCode.FAILED_PRECONDITION, "a second factor is required")
 *         .reason("TOTP_REQUIRED").domain("auth.nova.social").build();
 * }</pre>
 * Instances are immutable; the message must never contain secrets or internal details.
 */
public final class NovaException extends RuntimeException {
    /** The message of INTERNAL errors whose real cause stays in the server log. */
    static final String INTERNAL_MESSAGE = "internal error";

    private final ErrorCode code;
    private final String reason;
    private final String domain;
    private final Map<String, String> metadata;
    private final List<FieldViolation> violations;
    private final Duration retryAfter;
    private final String requestId;

    private NovaException(Builder builder) {
        super(builder.message, builder.cause);
        this.code = builder.code;
        this.reason = builder.reason;
        this.domain = builder.domain;
        this.metadata = Map.copyOf(builder.metadata);
        this.violations = List.copyOf(builder.violations);
        this.retryAfter = builder.retryAfter;
        this.requestId = builder.requestId;
    }

    /** Starts an exception with a code and a caller-safe message. */
    public static Builder builder(ErrorCode code, String message) {
        return new Builder(code, message);
    }

    /** INVALID_ARGUMENT listing every invalid field; the message names them all. */
    public static NovaException invalidArgument(FieldViolation... violations) {
        String message = violations.length == 0
                ? "invalid argument"
                : "invalid argument: "
                        + Arrays.stream(violations)
                                .map(v -> v.field() + " " + v.description())
                                .collect(Collectors.joining("; "));
        return invalidArgument(message, violations);
    }

    /** INVALID_ARGUMENT with a message of the caller's choice and the invalid fields. */
    public static NovaException invalidArgument(String message, FieldViolation... violations) {
        return builder(ErrorCode.INVALID_ARGUMENT, message)
                .violations(List.of(violations))
                .build();
    }

    /** NOT_FOUND, e.g. {@code notFound("user", "42")} reads "user '42' not found". */
    public static NovaException notFound(String what, String id) {
        return builder(ErrorCode.NOT_FOUND, what + " '" + id + "' not found").build();
    }

    /** ALREADY_EXISTS, e.g. {@code alreadyExists("handle", "ada")} reads "handle 'ada' already exists". */
    public static NovaException alreadyExists(String what, String id) {
        return builder(ErrorCode.ALREADY_EXISTS, what + " '" + id + "' already exists")
                .build();
    }

    /** UNAUTHENTICATED: missing, expired or invalid credentials. */
    public static NovaException unauthenticated(String message) {
        return builder(ErrorCode.UNAUTHENTICATED, message).build();
    }

    /** PERMISSION_DENIED: the caller is known but not allowed. */
    public static NovaException permissionDenied(String message) {
        return builder(ErrorCode.PERMISSION_DENIED, message).build();
    }

    /** FAILED_PRECONDITION: the system is not in the state the operation needs. */
    public static NovaException failedPrecondition(String message) {
        return builder(ErrorCode.FAILED_PRECONDITION, message).build();
    }

    /** RESOURCE_EXHAUSTED with reason {@code RATE_LIMITED} and the time after which to retry. */
    public static NovaException rateLimited(Duration retryAfter) {
        return builder(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "rate limit exceeded, retry after " + Math.max(1, ceilSeconds(retryAfter)) + " s")
                .reason("RATE_LIMITED")
                .retryAfter(retryAfter)
                .build();
    }

    /** UNAVAILABLE: a dependency is down; the caller may retry. */
    public static NovaException unavailable(String message) {
        return builder(ErrorCode.UNAVAILABLE, message).build();
    }

    /** UNAVAILABLE with a hint when to retry. */
    public static NovaException unavailable(String message, Duration retryAfter) {
        return builder(ErrorCode.UNAVAILABLE, message).retryAfter(retryAfter).build();
    }

    /** INTERNAL with a caller-safe message; put the real cause in {@link Builder#cause}. */
    public static NovaException internal(String message) {
        return builder(ErrorCode.INTERNAL, message).build();
    }

    /**
     * The Nova error a caller received: rebuilds code, message and every detail from a
     * {@link io.grpc.StatusRuntimeException} or {@link io.grpc.StatusException} (also when wrapped,
     * e.g. in an {@link ExecutionException}). A NovaException is returned as it is; a database
     * failure that is not the request's fault becomes UNAVAILABLE or DEADLINE_EXCEEDED
     * ({@link StorageFailures}); any other throwable becomes INTERNAL with a generic message and the
     * throwable as cause.
     */
    public static NovaException from(Throwable throwable) {
        Objects.requireNonNull(throwable, "throwable");
        // Walk the causal chain as io.grpc.Status#fromThrowable does: futures and client
        // libraries wrap what the server answered.
        for (Throwable t = throwable; t != null; t = t.getCause()) {
            if (t instanceof NovaException nova) {
                return nova;
            }
            if (StatusDetails.isStatusException(t)) {
                return StatusDetails.toNovaException(t, throwable);
            }
        }
        return StorageFailures.classify(throwable)
                .orElseGet(() -> builder(ErrorCode.INTERNAL, INTERNAL_MESSAGE)
                        .cause(throwable)
                        .build());
    }

    /** The status with all details as a gRPC exception; this exception becomes its cause. */
    public StatusRuntimeException toStatusException() {
        return StatusDetails.toStatusException(this);
    }

    /** The details as a google.rpc.Status, e.g. for logging or for another transport. */
    public com.google.rpc.Status toStatusProto() {
        return StatusDetails.toProto(this);
    }

    /** A copy carrying {@code requestId}, with the same cause and stack trace. */
    public NovaException withRequestId(String requestId) {
        NovaException copy = toBuilder().requestId(requestId).build();
        copy.setStackTrace(getStackTrace());
        return copy;
    }

    /** A builder holding everything this exception carries. */
    public Builder toBuilder() {
        Builder builder = builder(code, getMessage()).violations(violations).cause(getCause());
        builder.reason = reason;
        builder.domain = domain;
        builder.metadata.putAll(metadata);
        builder.retryAfter = retryAfter;
        builder.requestId = requestId;
        return builder;
    }

    public ErrorCode code() {
        return code;
    }

    /** The ErrorInfo reason, an UPPER_SNAKE_CASE constant such as {@code EMAIL_TAKEN}. */
    public Optional<String> reason() {
        return Optional.ofNullable(reason);
    }

    /** The ErrorInfo domain, the service that defines the reason, e.g. {@code auth.nova.social}. */
    public Optional<String> domain() {
        return Optional.ofNullable(domain);
    }

    /** The ErrorInfo metadata (never null, possibly empty). */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The invalid fields (never null, possibly empty). */
    public List<FieldViolation> violations() {
        return violations;
    }

    /** How long the caller should wait before retrying, if the server knows. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** The id of the request that failed, once known. */
    public Optional<String> requestId() {
        return Optional.ofNullable(requestId);
    }

    @Override
    public String toString() {
        return "NovaException[" + code + (reason == null ? "" : "/" + reason) + "]: " + getMessage();
    }

    static long ceilSeconds(Duration duration) {
        long seconds = duration.getSeconds();
        return duration.getNano() > 0 ? seconds + 1 : seconds;
    }

    /** Builds a {@link NovaException}; every detail is optional. */
    public static final class Builder {
        private final ErrorCode code;
        private final String message;
        private final Map<String, String> metadata = new LinkedHashMap<>();
        private final List<FieldViolation> violations = new ArrayList<>();
        private String reason;
        private String domain;
        private Duration retryAfter;
        private String requestId;
        private Throwable cause;

        private Builder(ErrorCode code, String message) {
            this.code = Objects.requireNonNull(code, "code");
            this.message = Objects.requireNonNull(message, "message");
        }

        /** The ErrorInfo reason, e.g. {@code EMAIL_TAKEN}. */
        public Builder reason(String reason) {
            this.reason = reason;
            return this;
        }

        /** The ErrorInfo domain, e.g. {@code auth.nova.social}. */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /** Adds one ErrorInfo metadata entry. */
        public Builder metadata(String key, String value) {
            metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** Adds field violations. */
        public Builder violations(List<FieldViolation> violations) {
            this.violations.addAll(violations);
            return this;
        }

        /** Adds one field violation. */
        public Builder violation(String field, String description) {
            violations.add(new FieldViolation(field, description));
            return this;
        }

        /** How long the caller should wait before retrying. */
        public Builder retryAfter(Duration retryAfter) {
            if (retryAfter != null && retryAfter.isNegative()) {
                throw new IllegalArgumentException("retryAfter must not be negative: " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        /** The id of the failed request. */
        public Builder requestId(String requestId) {
            this.requestId = requestId;
            return this;
        }

        /** The underlying failure, for the server log only: it is never sent to the caller. */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        public NovaException build() {
            return new NovaException(this);
        }
    }
}
