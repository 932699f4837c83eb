package social.nova.content;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.grpc.StatusRuntimeException;
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;

/**
 * What content-service asks media-service: whether media may be attached to a post. Calls go
 * through the kit's resilient client (deadline, retry of the read, bulkhead, circuit breaker) and
 * carry the caller's own access token, so media-service answers as the author: media the author did
 * not upload is NOT_FOUND to them.
 */
final class MediaLibrary {
    /** The Consul name content-service calls. */
    static final String MEDIA_SERVICE = "media-service";

    private final MediaServiceGrpc.MediaServiceBlockingStub media;

    MediaLibrary(MediaServiceGrpc.MediaServiceBlockingStub media) {
        this.media = media;
    }

    /**
     * Returns if every item is one the author uploaded and is READY, asking GetMediaMetadata once per
     * item, in order (at most 4). Otherwise INVALID_ARGUMENT with a field violation on
     * {@code media_ids[i]} for every item media-service does not know as the author's (NOT_FOUND, or
     * readable but someone else's: media attached to another user's public post);
     * FAILED_PRECONDITION {@code MEDIA_NOT_READY} for the first item still processing or failed;
     * UNAVAILABLE when media-service cannot answer (down, breaker open, deadline), never INTERNAL.
     */
    void requireAttachable(UUID author, List<UUID> mediaIds) {
        Violations notTheAuthors = new Violations();
        NovaException notReady = null;
        for (int i = 0; i < mediaIds.size(); i++) {
            UUID id = mediaIds.get(i);
            Optional<MediaMetadata> found = metadata(id);
            if (found.isEmpty() || !found.get().getOwnerId().equalsIgnoreCase(author.toString())) {
                notTheAuthors.add("media_ids[" + i + "]", "no media " + id + " uploaded by you");
            } else if (notReady == null && found.get().getStatus() != MediaStatus.MEDIA_STATUS_READY) {
                notReady =
                        ContentErrors.mediaNotReady(id.toString(), found.get().getStatus());
            }
        }
        notTheAuthors.throwIfAny();
        if (notReady != null) {
            throw notReady;
        }
    }

    /** The item as media-service shows it to the caller; empty when it does not know it (NOT_FOUND). */
    private Optional<MediaMetadata> metadata(UUID id) {
        try {
            return Optional.of(media.getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                            .setMediaId(id.toString())
                            .build())
                    .getMedia());
        } catch (StatusRuntimeException e) {
            switch (e.getStatus().getCode()) {
                case NOT_FOUND -> {
                    return Optional.empty();
                }
                // The caller's token was refused downstream (e.g. it expired meanwhile): the caller can act on that.
                case UNAUTHENTICATED -> throw NovaException.from(e);
                default ->
                    throw NovaException.builder(
                                    ErrorCode.UNAVAILABLE,
                                    "media-service cannot confirm the media right now; retry later")
                            .domain(ContentErrors.DOMAIN)
                            .cause(e)
                            .build();
            }
        }
    }
}
