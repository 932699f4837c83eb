package social.nova.content;

import social.nova.contracts.media.v1.MediaStatus;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** content-service's typed failures, with the reasons its contract names (domain content.nova.social). */
final class ContentErrors {
    static final String DOMAIN = "content.nova.social";

    private ContentErrors() {}

    static NovaException of(ErrorCode code, String reason, String message) {
        return NovaException.builder(code, message)
                .reason(reason)
                .domain(DOMAIN)
                .build();
    }

    /** Unknown and deleted posts look the same. */
    static NovaException postNotFound(Object postId) {
        return NovaException.notFound("post", String.valueOf(postId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    static NovaException notAuthor() {
        return of(ErrorCode.PERMISSION_DENIED, "NOT_AUTHOR", "only the author may delete a post");
    }

    static NovaException authorUnknown() {
        return of(
                ErrorCode.INVALID_ARGUMENT,
                "AUTHOR_UNKNOWN",
                "the caller has no profile in user-service, so cannot author posts");
    }

    /**
     * An item to attach is not READY in media-service: still processing (the caller retries later)
     * or failed processing (it never will be). ErrorInfo metadata {@code media_id} and {@code status}
     * (its MediaStatus name).
     */
    static NovaException mediaNotReady(String mediaId, MediaStatus status) {
        String message = switch (status) {
            case MEDIA_STATUS_PROCESSING -> "media " + mediaId + " is still being processed; retry later";
            case MEDIA_STATUS_FAILED -> "media " + mediaId + " failed processing and cannot be attached";
            default -> "media " + mediaId + " is not ready (" + status.name() + ")";
        };
        return NovaException.builder(ErrorCode.FAILED_PRECONDITION, message)
                .reason("MEDIA_NOT_READY")
                .domain(DOMAIN)
                .metadata("media_id", mediaId)
                .metadata("status", status.name())
                .build();
    }
}
