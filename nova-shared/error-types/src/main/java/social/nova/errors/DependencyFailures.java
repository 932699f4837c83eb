package social.nova.errors;

import io.grpc.Metadata;
import io.grpc.Status;

/**
 * The marker of a failure that a service passes on because a call it made failed: the trailer
 * {@code nova-dependency-failed: true}.
 *
 * <p>Retries happen at one layer only, the caller closest to the failure. nova-rpc marks the final
 * outcome of every failed outbound call (after its own retries) with this trailer; when a handler
 * fails because of it (it rethrows the {@code StatusRuntimeException}, or throws a
 * {@link NovaException} whose cause chain holds it), {@link ErrorMappingInterceptor} answers with
 * the marker too. nova-rpc's retry policy never retries a marked answer (the answering service's
 * own client already did), and its circuit breaker does not count one against the answering
 * service, which is up and answered.
 */
public final class DependencyFailures {
    /** The trailer; its value is always {@code true}. */
    public static final Metadata.Key<String> TRAILER =
            Metadata.Key.of("nova-dependency-failed", Metadata.ASCII_STRING_MARSHALLER);

    private static final String MARKED = "true";

    private DependencyFailures() {}

    /** Whether {@code trailers} carry the marker. */
    public static boolean isMarked(Metadata trailers) {
        return trailers != null && MARKED.equals(trailers.get(TRAILER));
    }

    /** Adds the marker to {@code trailers} (once). */
    public static void mark(Metadata trailers) {
        if (!isMarked(trailers)) {
            trailers.discardAll(TRAILER);
            trailers.put(TRAILER, MARKED);
        }
    }

    /** Whether {@code failure} or one of its causes is a gRPC failure whose trailers carry the marker. */
    public static boolean causedBy(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (StatusDetails.isStatusException(t) && isMarked(Status.trailersFromThrowable(t))) {
                return true;
            }
        }
        return false;
    }
}
