package social.nova.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes what uploads left behind when they could not clean up after themselves: an instance that
 * died mid-upload, or an abort that failed because the object store was down at that moment. Every
 * {@link MediaSettings.Sweep#interval} it aborts the multipart uploads under {@code staging/} and
 * {@code objects/} (uploads that declared their SHA-256 go straight to their content address,
 * {@link Upload.Route#DIRECT}) and deletes the objects under {@code staging/}, when older than
 * {@link MediaSettings.Sweep#staleAfter}, which is far longer than an upload takes, so a live upload
 * on any instance is never touched. What S3's lifecycle rule "abort incomplete multipart uploads"
 * does, for stores that have no such rules. Several instances sweeping at once is harmless: aborting
 * and deleting are idempotent. Stored objects under {@code objects/} are never touched: a
 * multipart upload is not an object until it is completed.
 */
final class UploadSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UploadSweeper.class.getName());

    private final ObjectStore objects;
    private final Duration staleAfter;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    UploadSweeper(ObjectStore objects, MediaSettings.Sweep settings, Clock clock) {
        this.objects = objects;
        this.staleAfter = settings.staleAfter();
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("media-upload-sweeper").factory());
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Aborts and deletes what is stale now; the number of uploads and objects removed. */
    int sweep() {
        Instant before = clock.instant().minus(staleAfter);
        int removed = 0;
        for (String prefix : java.util.List.of(Upload.STAGING_PREFIX, MediaStore.OBJECTS_PREFIX)) {
            for (ObjectStore.Pending upload : objects.pendingUploads(prefix)) {
                if (started(upload.key(), upload.initiated()).isBefore(before)) {
                    objects.abortMultipart(upload.key(), upload.uploadId());
                    removed++;
                }
            }
        }
        for (ObjectStore.Stored object : objects.list(Upload.STAGING_PREFIX)) {
            if (started(object.key(), object.lastModified()).isBefore(before)) {
                objects.deleteQuietly(object.key());
                removed++;
            }
        }
        return removed;
    }

    /**
     * When an upload began: from its key ({@link Upload#stagingKey}), else what the store reports
     * (a content address's multipart upload: S3 and S3Proxy report when it was initiated); when
     * neither tells, it counts as new, so nothing is removed on a guess.
     */
    private Instant started(String key, Instant reported) {
        return Upload.stagingStart(key).orElse(reported == null ? clock.instant() : reported);
    }

    private void sweepQuietly() {
        try {
            int removed = sweep();
            if (removed > 0) {
                LOG.log(
                        System.Logger.Level.INFO,
                        "removed {0} abandoned multipart upload(s) or staging object(s)",
                        removed);
            }
        } catch (RuntimeException e) {
            // The store is down or refused: the next round tries again.
            LOG.log(System.Logger.Level.WARNING, "upload sweep failed: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
