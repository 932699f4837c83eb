package social.nova.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Removes what uploads left under {@code staging/} when they could not clean up after themselves:
 * an instance that died mid-upload, or an abort that failed because the object store was down at
 * that moment. Every {@link MediaSettings.Sweep#interval} it aborts the multipart uploads and deletes
 * the objects under {@code staging/} older than {@link MediaSettings.Sweep#staleAfter}, which is far
 * longer than an upload takes, so a live upload on any instance is never touched. What S3's
 * lifecycle rule "abort incomplete multipart uploads" does, for stores that have no such rules.
 * Several instances sweeping at once is harmless: aborting and deleting are idempotent.
 */
final class StagingSweeper implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StagingSweeper.class.getName());

    private final ObjectStore objects;
    private final Duration staleAfter;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    StagingSweeper(ObjectStore objects, MediaSettings.Sweep settings, Clock clock) {
        this.objects = objects;
        this.staleAfter = settings.staleAfter();
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofVirtual().name("media-staging-sweeper").factory());
        long every = settings.interval().toMillis();
        timer.scheduleWithFixedDelay(this::sweepQuietly, every, every, TimeUnit.MILLISECONDS);
    }

    /** Aborts and deletes what is stale now; the number of uploads and objects removed. */
    int sweep() {
        Instant before = clock.instant().minus(staleAfter);
        int removed = 0;
        for (ObjectStore.Pending upload : objects.pendingUploads(Upload.STAGING_PREFIX)) {
            if (started(upload.key(), upload.initiated()).isBefore(before)) {
                objects.abortMultipart(upload.key(), upload.uploadId());
                removed++;
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
     * When an upload began: from its key ({@link Upload#stagingKey}), else what the store reports;
     * a key of neither kind counts as new, so nothing is removed on a guess.
     */
    private Instant started(String key, Instant reported) {
        return Upload.stagingStart(key).orElse(reported == null ? clock.instant() : reported);
    }

    private void sweepQuietly() {
        try {
            int removed = sweep();
            if (removed > 0) {
                LOG.log(System.Logger.Level.INFO, "removed {0} abandoned staging upload(s) or object(s)", removed);
            }
        } catch (RuntimeException e) {
            // The store is down or refused: the next round tries again.
            LOG.log(System.Logger.Level.WARNING, "staging sweep failed: {0}", e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
