package social.nova.media;

import java.time.Duration;
import java.util.UUID;

import social.nova.contracts.media.v1.UploadMetadata;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;

/**
 * Uploads whose bytes go to the object store without passing media-service ({@code BeginUpload},
 * {@code CompleteUpload}): the caller, inside Nova's network (the API gateway), PUTs them to a
 * presigned URL at their content address. The bytes then cross one process fewer than through
 * {@code Upload}'s stream (issue 12's throughput). What media-service checks on the bytes it does
 * not see:
 * <ul>
 *   <li>the SHA-256: the store checks the PUT against the declared one ({@code x-amz-checksum-sha256},
 *       signed into the URL), refuses other bytes and keeps what the address held; or, for a caller
 *       that sets {@code caller_checks_sha256} (the gateway), the caller hashes the bytes and cuts
 *       the PUT short on a mismatch, and a PUT cut short stores nothing. Either way the bytes at
 *       {@code objects/<owner>/<sha256>} are those of that hash, whichever path stored them;
 *   <li>the size: signed into the URL too, and compared with the stored object's;
 *   <li>the type: from the stored object's first bytes, a ranged GET; bytes of another type are
 *       deleted unless the owner stored them before.
 * </ul>
 * A PUT whose completion never comes (the caller died in between) leaves an object no item
 * points at, uncounted: the same bytes uploaded again by their owner are recorded on it.
 */
final class DirectUploads {
    /** How long a BeginUpload URL is accepted for a new request (a 100 MiB PUT that started runs to its end). */
    static final Duration PUT_URL_VALIDITY = Duration.ofMinutes(15);

    private final Upload.Context context;

    DirectUploads(Upload.Context context) {
        this.context = context;
    }

    /**
     * BeginUpload: the metadata, rate limit and quota checked; where to PUT the bytes. With
     * {@code callerChecksSha256} the URL leaves the SHA-256 to the caller (it withholds the last
     * bytes of others, and a PUT cut short stores nothing); otherwise the store checks it.
     */
    ObjectStore.PresignedPut begin(UUID owner, UploadMetadata declared, boolean callerChecksSha256) {
        MediaTypes type = Upload.check(declared, context.settings(), true);
        Upload.admit(context, owner, declared);
        return context.objects()
                .presignedPut(
                        MediaStore.objectKey(owner, declared.getSha256()),
                        type.mime(),
                        declared.getSizeBytes(),
                        callerChecksSha256 ? null : declared.getSha256(),
                        PUT_URL_VALIDITY);
    }

    /** CompleteUpload: the stored bytes checked (size, type); the item recorded. */
    MediaStore.Media complete(UUID owner, UploadMetadata declared) {
        MediaTypes type = Upload.check(declared, context.settings(), true);
        String key = MediaStore.objectKey(owner, declared.getSha256());
        // One ranged read gives the stored size and the bytes the type is told by.
        ObjectStore.Start stored = context.objects()
                .start(key, MediaTypes.HEADER_BYTES)
                .orElseThrow(() -> NovaException.builder(
                                ErrorCode.FAILED_PRECONDITION,
                                "the object store holds no bytes of SHA-256 " + declared.getSha256()
                                        + " for this upload: PUT them to BeginUpload's URL first")
                        .domain(MediaErrors.DOMAIN)
                        .build());
        long size = stored.size();
        if (size != declared.getSizeBytes()) {
            throw NovaException.invalidArgument(FieldViolation.of(
                    "metadata.size_bytes",
                    "the stored bytes of this SHA-256 are " + size + " bytes, " + declared.getSizeBytes()
                            + " were declared"));
        }
        byte[] header = stored.bytes();
        MediaTypes actual = MediaTypes.detect(header, header.length).orElse(null);
        if (actual != type) {
            deleteUnlessRecorded(owner, declared.getSha256(), key);
            throw MediaErrors.wrongType(type, actual);
        }
        try {
            return Upload.record(context, owner, type, declared.getSha256(), size, declared.getFileName(), placed -> {
                // The PUT put them there already.
            });
        } catch (NovaException refused) {
            if (refused.code() == ErrorCode.RESOURCE_EXHAUSTED) {
                deleteUnlessRecorded(owner, declared.getSha256(), key);
            }
            throw refused;
        }
    }

    /** Removes bytes no item of their owner points at (refused ones), never recorded ones. */
    private void deleteUnlessRecorded(UUID owner, String sha256, String key) {
        boolean recorded = context.jdbi().withHandle(handle -> context.store().objectExists(handle, owner, sha256));
        if (!recorded) {
            context.objects().deleteQuietly(key);
        }
    }
}
