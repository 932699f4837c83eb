package social.nova.content;

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
}
