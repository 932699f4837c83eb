package social.nova.media;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.media.v1.UploadMetadata;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.db.Outbox;
import social.nova.errors.NovaException;
import social.nova.errors.Violations;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * One Upload call, message by message: metadata first, then chunks. The bytes go to the object
 * store as they come, one part ({@link MediaSettings.Storage#partBytes}) at a time, sent while the
 * next one fills (two parts in the heap), as a multipart upload whose key depends on what the
 * client declared ({@link Route}): straight to the content address when the SHA-256 was declared,
 * else under a staging key, copied to the content address once verified. Only a complete, verified
 * file (size, type from its first bytes, SHA-256) is stored and recorded, in one transaction that
 * also charges the owner's quota: a multipart upload's object exists only once it is completed,
 * and it is completed after the check. Any failure or a cancel ends in {@link #abandon()}: the
 * multipart upload is aborted, a staging object deleted, nothing recorded. Not thread-safe: gRPC
 * delivers one call's messages in order, one at a time.
 */
final class Upload {
    /** Where an upload's bytes go until they are verified ({@link UploadSweeper} cleans up after crashes). */
    static final String STAGING_PREFIX = "staging/";

    /** Sends parts to the store (blocking SDK calls; one at a time per upload). */
    private static final java.util.concurrent.Executor PART_SENDERS =
            task -> Thread.ofVirtual().name("media-part").start(task);

    private static final Pattern SHA256_HEX = Pattern.compile("^[0-9a-f]{64}$");
    private static final String TYPES = "image/jpeg, image/png, image/webp, image/gif or video/mp4";

    /** What an upload needs of the service; one per instance. */
    record Context(
            Jdbi jdbi,
            MediaStore store,
            ObjectStore objects,
            RateLimiter limiter,
            Semaphore permits,
            MediaSettings settings,
            Clock clock) {}

    /** Where an upload's bytes go, decided by its metadata. */
    enum Route {
        /** No SHA-256 declared: under a staging key, copied to the content address once verified. */
        STAGED,
        /**
         * SHA-256 declared, bytes not stored yet: straight to the content address, each byte written
         * once. The multipart upload is completed only after the bytes matched the declared SHA-256:
         * until then the key holds nothing new, and a mismatch aborts it.
         */
        DIRECT,
        /** SHA-256 declared, and the owner already stores those bytes: checked, not stored again. */
        KNOWN
    }

    private final Context context;
    private final UUID owner;
    private final String stagingKey;
    private final MessageDigest digest = sha256();
    private final byte[] header = new byte[MediaTypes.HEADER_BYTES];
    private final List<CompletedPart> parts = new ArrayList<>();

    private UploadMetadata metadata;
    private Route route;
    /** The multipart upload's key: {@link #stagingKey}, or the content address on {@link Route#DIRECT}. */
    private String uploadKey;

    private MediaTypes type;
    private boolean permitHeld;
    private int headerLength;
    private long received;
    private byte[] part;
    private int partFill;
    /** The buffer of the part being sent, or free for the next one once {@link #sending} is done. */
    private byte[] spare;
    /** The part on its way to the store while the next one fills (null when none is). */
    private CompletableFuture<CompletedPart> sending;

    private String uploadId;
    private boolean staged;
    private boolean finished;

    Upload(Context context, UUID owner) {
        this.context = context;
        this.owner = owner;
        this.stagingKey = stagingKey(context.clock().millis());
    }

    /** {@code staging/<start in epoch milliseconds>-<uuid>}: its age shows in its name, whatever the store reports. */
    static String stagingKey(long startedMillis) {
        return STAGING_PREFIX + startedMillis + "-" + UUID.randomUUID();
    }

    /** When the upload of a staging key started, if the key is one {@link #stagingKey} made. */
    static java.util.Optional<java.time.Instant> stagingStart(String key) {
        if (!key.startsWith(STAGING_PREFIX)) {
            return java.util.Optional.empty();
        }
        int dash = key.indexOf('-', STAGING_PREFIX.length());
        try {
            return java.util.Optional.of(
                    java.time.Instant.ofEpochMilli(Long.parseLong(key.substring(STAGING_PREFIX.length(), dash))));
        } catch (RuntimeException notOurs) {
            return java.util.Optional.empty();
        }
    }

    /** The next message of the call. */
    void accept(UploadRequest message) {
        if (metadata == null) {
            if (!message.hasMetadata()) {
                throw NovaException.invalidArgument(
                        social.nova.errors.FieldViolation.of("metadata", "the first message must carry the metadata"));
            }
            begin(message.getMetadata());
            return;
        }
        if (message.hasMetadata()) {
            throw NovaException.invalidArgument(
                    social.nova.errors.FieldViolation.of("metadata", "only the first message may carry metadata"));
        }
        ByteString chunk = message.getChunk();
        if (chunk.isEmpty() || chunk.size() > MediaSettings.MAX_CHUNK_BYTES) {
            throw NovaException.invalidArgument(social.nova.errors.FieldViolation.of(
                    "chunk", "must be 1.." + MediaSettings.MAX_CHUNK_BYTES + " bytes, was " + chunk.size()));
        }
        if (received + chunk.size() > metadata.getSizeBytes()) {
            throw NovaException.invalidArgument(social.nova.errors.FieldViolation.of(
                    "metadata.size_bytes", "more bytes arrived than the declared " + metadata.getSizeBytes()));
        }
        received += chunk.size();
        digest.update(chunk.asReadOnlyByteBuffer());
        if (headerLength < header.length) {
            int take = Math.min(header.length - headerLength, chunk.size());
            chunk.copyTo(header, 0, headerLength, take);
            headerLength += take;
            if (headerLength == header.length) {
                checkType();
            }
        }
        if (route == Route.KNOWN) {
            return;
        }
        int offset = 0;
        while (offset < chunk.size()) {
            int take = Math.min(part.length - partFill, chunk.size() - offset);
            chunk.copyTo(part, offset, partFill, take);
            partFill += take;
            offset += take;
            if (partFill == part.length && received < metadata.getSizeBytes()) {
                flushPart();
            }
        }
    }

    /** The client half-closed: verifies the whole file, stores and records it. */
    MediaStore.Media finish() {
        if (metadata == null) {
            throw NovaException.invalidArgument(
                    social.nova.errors.FieldViolation.of("metadata", "an upload starts with its metadata"));
        }
        if (received != metadata.getSizeBytes()) {
            throw NovaException.invalidArgument(social.nova.errors.FieldViolation.of(
                    "metadata.size_bytes", received + " bytes arrived, " + metadata.getSizeBytes() + " were declared"));
        }
        if (headerLength < header.length) {
            checkType();
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        if (!metadata.getSha256().isEmpty() && !metadata.getSha256().equals(sha256)) {
            throw NovaException.invalidArgument(social.nova.errors.FieldViolation.of(
                    "metadata.sha256", "does not match the bytes received, whose SHA-256 is " + sha256));
        }
        if (route != Route.KNOWN) {
            flushPart();
            awaitSending();
        }
        if (route == Route.STAGED) {
            context.objects().completeMultipart(stagingKey, uploadId, parts);
            staged = true;
        }

        MediaStore.Media media = record(context, owner, type, sha256, received, metadata.getFileName(), key -> {
            switch (route) {
                case STAGED -> {
                    // A key left by an upload that died after storing holds these very bytes
                    // (its name is their hash).
                    if (!context.objects().exists(key)) {
                        context.objects().copy(stagingKey, key);
                    }
                }
                case DIRECT -> {
                    context.objects().completeMultipart(key, uploadId, parts);
                    uploadId = null;
                }
                // Objects are never deleted, so this does not happen; if it did, the retry
                // finds the bytes missing up front and stores them (DIRECT).
                case KNOWN ->
                    throw NovaException.builder(
                                    social.nova.errors.ErrorCode.ABORTED,
                                    "the stored copy of these bytes is gone; start the upload again")
                            .domain(MediaErrors.DOMAIN)
                            .build();
            }
        });
        // DIRECT, and stored meanwhile by another upload of the same bytes: abandon() aborts ours.
        finished = true;
        abandon();
        return media;
    }

    /** Ends the upload, stored or not: drops what the staging key holds and frees the upload's slot. Idempotent. */
    void abandon() {
        settleSending();
        if (uploadId != null) {
            if (staged) {
                context.objects().deleteQuietly(stagingKey);
            } else {
                context.objects().abortMultipart(uploadKey, uploadId);
            }
            uploadId = null;
        }
        part = null;
        spare = null;
        if (permitHeld) {
            permitHeld = false;
            context.permits().release();
        }
    }

    boolean isFinished() {
        return finished;
    }

    /** What puts an item's bytes at their content address, once they are verified and new to their owner. */
    interface Placement {
        /** Runs inside the recording transaction, the owner's usage row locked; a failure rolls it back. */
        void place(String key);
    }

    /**
     * Records a verified file as a new item of {@code owner} (status PROCESSING) and publishes
     * MediaUploaded, in one transaction that locks the owner's usage row: when the owner does not
     * store these bytes yet, the quota is checked, {@code placement} puts them at their content
     * address, and they are counted once; when they do, the item points at them.
     */
    static MediaStore.Media record(
            Context context,
            UUID owner,
            MediaTypes type,
            String sha256,
            long size,
            String fileName,
            Placement placement) {
        MediaStore.Media media = new MediaStore.Media(
                UUID.randomUUID(),
                owner,
                sha256,
                type.mime(),
                size,
                fileName,
                MediaStore.Status.PROCESSING,
                0,
                0,
                null,
                null,
                // PostgreSQL keeps microseconds: the answer shows what a later read shows.
                context.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS));
        context.jdbi().useTransaction(handle -> {
            long used = context.store().lockUsage(handle, owner);
            if (!context.store().objectExists(handle, owner, sha256)) {
                if (used + size > context.settings().quotaBytes()) {
                    throw MediaErrors.quotaExceeded(
                            used, size, context.settings().quotaBytes());
                }
                // The owner's usage row is locked: no other upload of theirs commits meanwhile.
                placement.place(media.objectKey());
                context.store().addObject(handle, owner, sha256, size);
            }
            context.store().insert(handle, media);
            Outbox.append(handle, Processing.uploaded(media));
        });
        return media;
    }

    /**
     * Checks an upload's metadata, every field at once (INVALID_ARGUMENT with a violation per
     * field); its type. {@code sha256Required}: for uploads whose bytes go to the store without
     * passing media-service, checked against the declared SHA-256 by the store or the caller.
     */
    static MediaTypes check(UploadMetadata declared, MediaSettings settings, boolean sha256Required) {
        Violations violations = new Violations();
        MediaTypes type = MediaTypes.ofMime(declared.getContentType()).orElse(null);
        violations.require(type != null, "metadata.content_type", "must be " + TYPES);
        if (type != null) {
            long max = settings.maxBytes(type);
            violations.require(
                    declared.getSizeBytes() >= 1 && declared.getSizeBytes() <= max,
                    "metadata.size_bytes",
                    "must be 1.." + max + " bytes for " + type.mime() + ", was " + declared.getSizeBytes());
        } else {
            violations.require(declared.getSizeBytes() >= 1, "metadata.size_bytes", "must be positive");
        }
        String name = declared.getFileName();
        violations.require(
                !name.isEmpty() && name.codePointCount(0, name.length()) <= 255,
                "metadata.file_name",
                "must be 1..255 characters");
        violations.require(
                name.chars().noneMatch(c -> c == '/' || c == '\\' || Character.isISOControl(c)),
                "metadata.file_name",
                "must not contain '/', '\\' or control characters");
        violations.require(
                declared.getSha256().isEmpty()
                        || SHA256_HEX.matcher(declared.getSha256()).matches(),
                "metadata.sha256",
                "must be 64 lowercase hex characters when given");
        violations.require(
                !sha256Required || !declared.getSha256().isEmpty(),
                "metadata.sha256",
                "is required: the bytes are checked against it before they are stored");
        violations.throwIfAny();
        return type;
    }

    /**
     * The owner's rate limit, then the quota before a byte arrives: a file the owner stores already
     * passes it when its SHA-256 is declared (an undeclared one must fit as if it were new). Whether
     * the owner stores the declared bytes already.
     */
    static boolean admit(Context context, UUID owner, UploadMetadata declared) {
        RateLimits.enforce(context.limiter(), owner.toString(), MediaErrors.DOMAIN);
        // One connection for both reads: each checkout and round trip is a share of the upload's latency.
        long[] used = new long[1];
        boolean stored = context.jdbi().withHandle(handle -> {
            used[0] = context.store().usedBytes(handle, owner);
            return !declared.getSha256().isEmpty() && context.store().objectExists(handle, owner, declared.getSha256());
        });
        if (!stored && used[0] + declared.getSizeBytes() > context.settings().quotaBytes()) {
            throw MediaErrors.quotaExceeded(
                    used[0], declared.getSizeBytes(), context.settings().quotaBytes());
        }
        return stored;
    }

    private void begin(UploadMetadata declared) {
        type = check(declared, context.settings(), false);
        boolean stored = admit(context, owner, declared);
        if (!context.permits().tryAcquire()) {
            throw NovaException.unavailable(
                    "too many uploads in progress on this instance; retry", Duration.ofSeconds(1));
        }
        permitHeld = true;
        metadata = declared;
        route = declared.getSha256().isEmpty() ? Route.STAGED : stored ? Route.KNOWN : Route.DIRECT;
        uploadKey = route == Route.DIRECT ? MediaStore.objectKey(owner, declared.getSha256()) : stagingKey;
        if (route != Route.KNOWN) {
            part = new byte[(int) Math.min(context.settings().storage().partBytes(), declared.getSizeBytes())];
        }
    }

    private void checkType() {
        MediaTypes actual = MediaTypes.detect(header, headerLength).orElse(null);
        if (actual != type) {
            throw MediaErrors.wrongType(type, actual);
        }
    }

    /**
     * Sends the filled part to the store on a virtual thread while the next one fills: receiving
     * from the client and sending to the store overlap, and the heap holds two parts per upload.
     * The previous part's send must be done first (its buffer becomes the next one to fill).
     */
    private void flushPart() {
        if (uploadId == null) {
            uploadId = context.objects().startMultipart(uploadKey, type.mime());
        }
        awaitSending();
        if (partFill > 0 || parts.isEmpty()) {
            byte[] bytes = part;
            int length = partFill;
            int number = parts.size() + 1;
            String id = uploadId;
            String key = uploadKey;
            sending = CompletableFuture.supplyAsync(
                    () -> context.objects().uploadPart(key, id, number, bytes, length), PART_SENDERS);
            part = spare != null ? spare : new byte[part.length];
            spare = bytes;
            partFill = 0;
        }
    }

    /** Waits for the part on its way, if any, and records it; its failure (UNAVAILABLE, ...) is the upload's. */
    private void awaitSending() {
        if (sending == null) {
            return;
        }
        CompletableFuture<CompletedPart> pending = sending;
        sending = null;
        try {
            parts.add(pending.join());
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw e;
        }
    }

    /** Lets a part still on its way end (an abort while it is sent could leave it behind). */
    private void settleSending() {
        if (sending != null) {
            try {
                sending.join();
            } catch (RuntimeException ignored) {
                // The upload is being abandoned: the abort that follows removes what was sent.
            }
            sending = null;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }
}
