package social.nova.feed;

import io.grpc.StatusRuntimeException;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** feed-service's typed failures, with the reasons its contract names (domain feed.nova.social). */
final class FeedErrors {
    static final String DOMAIN = "feed.nova.social";

    private FeedErrors() {}

    static NovaException experimentNotFound(String what) {
        return NovaException.notFound("experiment", what).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException experimentNotRunning(Experiment experiment) {
        return NovaException.builder(
                        ErrorCode.FAILED_PRECONDITION,
                        "experiment " + experiment.key() + " is "
                                + experiment.status().name().toLowerCase(java.util.Locale.ROOT) + ", not running")
                .reason("EXPERIMENT_NOT_RUNNING")
                .domain(DOMAIN)
                .build();
    }

    /** A failed call to another service: UNAUTHENTICATED passes through, anything else is UNAVAILABLE. */
    static NovaException dependency(String service, String what, StatusRuntimeException e) {
        if (e.getStatus().getCode() == io.grpc.Status.Code.UNAUTHENTICATED) {
            // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
            return NovaException.from(e);
        }
        return NovaException.builder(ErrorCode.UNAVAILABLE, service + " cannot " + what + " right now; retry later")
                .domain(DOMAIN)
                .cause(e)
                .build();
    }

    static NovaException snapshotStoreUnavailable(Throwable cause) {
        return NovaException.builder(
                        ErrorCode.UNAVAILABLE,
                        "the feed snapshot store (Redis) cannot be reached right now; retry later")
                .domain(DOMAIN)
                .cause(cause)
                .build();
    }
}
