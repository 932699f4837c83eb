package social.nova.media;

import java.io.IOException;
import java.io.InputStream;
import java.util.UUID;

import com.google.protobuf.ByteString;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.Ids;

/**
 * media-service's reads: metadata, downloads and thumbnails of what a user uploaded
 * ({@link Upload} writes). An item is readable by its owner, and by anyone while a post shows it
 * ({@link Attachments}); to anyone else it does not exist (NOT_FOUND, so that ids reveal nothing).
 */
final class Media {
    private final Upload.Context context;

    Media(Upload.Context context) {
        this.context = context;
    }

    /** A new upload by {@code owner}. */
    Upload upload(UUID owner) {
        return new Upload(context, owner);
    }

    MediaStore.Media metadata(UUID caller, String mediaId) {
        Violations violations = new Violations();
        UUID id = Ids.parse(mediaId, "media_id", violations);
        violations.throwIfAny();
        return readable(caller, id);
    }

    /** Where a download's messages go. */
    interface DownloadSink {
        void metadata(MediaStore.Media media);

        /** The next chunk; false when the caller is gone and the download should stop. */
        boolean chunk(ByteString bytes);
    }

    /** Streams an item's bytes from {@code offset} on, in chunks of at most 1 MiB, straight from the object store. */
    void download(UUID caller, String mediaId, long offset, DownloadSink sink) {
        Violations violations = new Violations();
        UUID id = Ids.parse(mediaId, "media_id", violations);
        violations.require(offset >= 0, "offset", "must not be negative");
        violations.throwIfAny();
        MediaStore.Media media = readable(caller, id);
        if (offset > media.sizeBytes()) {
            throw NovaException.builder(
                            ErrorCode.OUT_OF_RANGE,
                            "offset " + offset + " is past the end of the file (" + media.sizeBytes() + " bytes)")
                    .domain(MediaErrors.DOMAIN)
                    .build();
        }
        sink.metadata(media);
        if (offset == media.sizeBytes()) {
            return;
        }
        byte[] buffer = new byte[MediaSettings.MAX_CHUNK_BYTES];
        try (InputStream bytes = context.objects().read(media.objectKey(), offset)) {
            int read;
            while ((read = bytes.readNBytes(buffer, 0, buffer.length)) > 0) {
                if (!sink.chunk(ByteString.copyFrom(buffer, 0, read))) {
                    return;
                }
            }
        } catch (IOException e) {
            throw NovaException.unavailable("object storage stopped answering during the download; resume it")
                    .toBuilder()
                    .cause(e)
                    .build();
        }
    }

    /**
     * How long a download URL is accepted for a new request: the caller asks for it right before
     * reading; S3 checks it when a request starts, so a long transfer is not cut by it.
     */
    static final java.time.Duration DOWNLOAD_URL_VALIDITY = java.time.Duration.ofMinutes(1);

    /** A presigned URL of an item's bytes in the object store, and when it stops being accepted. */
    record DownloadUrl(MediaStore.Media media, java.net.URI url, java.time.Instant expiresAt) {}

    /** The item's bytes as a URL of the object store, for a caller that reads them itself (the gateway). */
    DownloadUrl downloadUrl(UUID caller, String mediaId) {
        MediaStore.Media media = metadata(caller, mediaId);
        java.time.Instant expiresAt = context.clock().instant().plus(DOWNLOAD_URL_VALIDITY);
        return new DownloadUrl(
                media, context.objects().presignedGet(media.objectKey(), DOWNLOAD_URL_VALIDITY), expiresAt);
    }

    /** Processing decides whether an item has thumbnails: not yet (MEDIA_PROCESSING), never (MEDIA_FAILED). */
    MediaStore.Media thumbnailSource(UUID caller, String mediaId, boolean sizeGiven) {
        Violations violations = new Violations();
        UUID id = Ids.parse(mediaId, "media_id", violations);
        violations.require(sizeGiven, "size", "must be SMALL, MEDIUM or LARGE");
        violations.throwIfAny();
        MediaStore.Media media = readable(caller, id);
        return switch (media.status()) {
            case PROCESSING -> throw MediaErrors.processing(id);
            case FAILED -> throw MediaErrors.failed(id, media.failure());
            case READY -> media;
        };
    }

    /** A thumbnail and its bytes. */
    record Thumbnail(int width, int height, byte[] webp) {}

    /** The item's thumbnail of {@code sizePx} (one of {@link Images#SIZES}; 0 when the caller gave none). */
    Thumbnail thumbnail(UUID caller, String mediaId, int sizePx) {
        MediaStore.Media media = thumbnailSource(caller, mediaId, sizePx > 0);
        MediaStore.Thumbnail thumbnail = context.jdbi()
                .withHandle(handle -> context.store().thumbnail(handle, media.ownerId(), media.sha256(), sizePx))
                .orElseThrow(() -> new IllegalStateException(
                        "media " + media.id() + " is READY without its " + sizePx + " px thumbnail"));
        byte[] webp = context.objects()
                .readAll(
                        MediaStore.thumbnailKey(media.ownerId(), media.sha256(), sizePx),
                        MediaSettings.MAX_CHUNK_BYTES);
        return new Thumbnail(thumbnail.width(), thumbnail.height(), webp);
    }

    /** The owner may read an item; anyone may while a post shows it. */
    private MediaStore.Media readable(UUID caller, UUID id) {
        return context.jdbi()
                .withHandle(handle -> context.store()
                        .find(handle, id)
                        .filter(media -> media.ownerId().equals(caller)
                                || context.store().attached(handle, id)))
                .orElseThrow(() -> MediaErrors.mediaNotFound(id));
    }
}
