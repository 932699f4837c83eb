package social.nova.media;

import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;

/** media-service's typed failures, with the reasons its contract names (domain media.nova.social). */
final class MediaErrors {
    static final String DOMAIN = "media.nova.social";

    private MediaErrors() {}

    /** Unknown media and media the caller may not read look the same, so that ids reveal nothing. */
    static NovaException mediaNotFound(Object mediaId) {
        return NovaException.notFound("media", String.valueOf(mediaId)).toBuilder()
                .domain(DOMAIN)
                .build();
    }

    /** Bytes whose first bytes ({@link MediaTypes#detect}) are not of the declared type; {@code actual} null when of no stored type. */
    static NovaException wrongType(MediaTypes declared, MediaTypes actual) {
        return NovaException.invalidArgument(social.nova.errors.FieldViolation.of(
                "metadata.content_type",
                "the bytes are not " + declared.mime() + " (they look like "
                        + (actual == null ? "no type media-service stores" : actual.mime()) + ")"));
    }

    static NovaException quotaExceeded(long usedBytes, long wantedBytes, long quotaBytes) {
        return NovaException.builder(
                        ErrorCode.RESOURCE_EXHAUSTED,
                        "storage quota exceeded: " + usedBytes + " of " + quotaBytes + " bytes used, " + wantedBytes
                                + " more do not fit")
                .reason("STORAGE_QUOTA_EXCEEDED")
                .domain(DOMAIN)
                .metadata("quota_bytes", Long.toString(quotaBytes))
                .metadata("used_bytes", Long.toString(usedBytes))
                .build();
    }

    static NovaException processing(Object mediaId) {
        return NovaException.builder(
                        ErrorCode.FAILED_PRECONDITION, "media '" + mediaId + "' is still being processed; retry later")
                .reason("MEDIA_PROCESSING")
                .domain(DOMAIN)
                .build();
    }

    static NovaException failed(Object mediaId, String why) {
        return NovaException.builder(
                        ErrorCode.FAILED_PRECONDITION, "media '" + mediaId + "' could not be processed: " + why)
                .reason("MEDIA_FAILED")
                .domain(DOMAIN)
                .build();
    }
}
