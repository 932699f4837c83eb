package social.nova.media;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.jdbi.v3.core.Jdbi;
import social.nova.db.OutboxEvent;
import social.nova.events.Event;
import social.nova.events.EventHandler;
import social.nova.events.EventPayload;
import social.nova.rpc.CallContext;

/**
 * Makes an uploaded item's thumbnails, and a video's duration, after the upload: {@link Upload}
 * commits the item PROCESSING together with a {@code MediaUploaded} event in its outbox; the event
 * reaches this handler through {@code nova.events.media} (consumer group media-processing, so each
 * item is processed by one instance, again by another if that one dies). The item ends READY, or
 * FAILED with the reason when its bytes cannot be decoded, never with a crashed worker: a corrupt
 * file is an outcome, and only a failure of the store or the database throws (the event is then
 * delivered again).
 *
 * <p>Delivered twice, an event finds the item no longer PROCESSING and does nothing. A second
 * upload of the same bytes by their owner takes over the first one's outcome without decoding.
 */
final class Processing implements EventHandler {
    static final String AGGREGATE = "media";
    static final String MEDIA_UPLOADED = "MediaUploaded";

    private static final System.Logger LOG = System.getLogger(Processing.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final MediaStore store;
    private final ObjectStore objects;
    private final Images images;
    private final Videos videos;
    private final MediaSettings settings;
    private final MeterRegistry meters;

    Processing(
            Jdbi jdbi,
            MediaStore store,
            ObjectStore objects,
            Images images,
            Videos videos,
            MediaSettings settings,
            MeterRegistry meters) {
        this.jdbi = jdbi;
        this.store = store;
        this.objects = objects;
        this.images = images;
        this.videos = videos;
        this.settings = settings;
        this.meters = meters;
    }

    /** {@code MediaUploaded {mediaId, ownerId, contentType, sizeBytes, sha256, createdAt}}, on {@code nova.events.media}. */
    static OutboxEvent uploaded(MediaStore.Media media) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("mediaId", media.id().toString());
        payload.put("ownerId", media.ownerId().toString());
        payload.put("contentType", media.contentType());
        payload.put("sizeBytes", media.sizeBytes());
        payload.put("sha256", media.sha256());
        payload.put("createdAt", media.createdAt().toString());
        try {
            OutboxEvent event =
                    OutboxEvent.of(AGGREGATE, media.id().toString(), MEDIA_UPLOADED, JSON.writeValueAsString(payload));
            String requestId = CallContext.currentRequestId();
            return requestId == null ? event : event.withHeader("request-id", requestId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + MEDIA_UPLOADED, e);
        }
    }

    @Override
    public void handle(Event event) {
        if (!MEDIA_UPLOADED.equals(event.type())) {
            return;
        }
        UUID id = EventPayload.of(event).uuid("mediaId");
        Optional<MediaStore.Media> found = jdbi.withHandle(handle -> store.find(handle, id));
        if (found.isEmpty() || found.get().status() != MediaStore.Status.PROCESSING) {
            return;
        }
        MediaStore.Media media = found.get();
        Optional<MediaStore.Media> twin =
                jdbi.withHandle(handle -> store.processedTwin(handle, media.ownerId(), media.sha256()));
        if (twin.isPresent()) {
            MediaStore.Media done = twin.get();
            jdbi.useHandle(handle -> {
                if (done.status() == MediaStore.Status.READY) {
                    store.markReady(handle, id, done.width(), done.height(), done.durationMs());
                } else {
                    store.markFailed(handle, id, done.failure());
                }
            });
            return;
        }
        process(media);
    }

    private void process(MediaStore.Media media) {
        boolean video =
                MediaTypes.ofMime(media.contentType()).map(MediaTypes::isVideo).orElse(false);
        Timer.Sample sample = Timer.start(meters);
        String outcome = "failed";
        try {
            Long durationMs = null;
            Images.Result result;
            if (video) {
                Duration validity = settings.processing().videoTimeout().multipliedBy(3);
                Videos.Probe probe = videos.probe(objects.presignedGet(media.objectKey(), validity));
                durationMs = probe.durationMs();
                result = images.thumbnails(probe.firstFrame());
            } else {
                result = images.thumbnails(objects.readAll(media.objectKey(), (int) settings.maxImageBytes()));
            }
            for (Images.Thumbnail thumbnail : result.thumbnails()) {
                objects.put(
                        MediaStore.thumbnailKey(media.ownerId(), media.sha256(), thumbnail.sizePx()),
                        thumbnail.webp(),
                        "image/webp");
            }
            Long duration = durationMs;
            jdbi.useTransaction(handle -> {
                store.saveThumbnails(handle, media.ownerId(), media.sha256(), result.thumbnails());
                store.markReady(handle, media.id(), result.width(), result.height(), duration);
            });
            outcome = "ready";
        } catch (Images.Unprocessable unprocessable) {
            LOG.log(
                    System.Logger.Level.INFO,
                    "media {0} ({1}) cannot be processed: {2}",
                    media.id(),
                    media.contentType(),
                    unprocessable.getMessage());
            jdbi.useHandle(handle -> store.markFailed(handle, media.id(), unprocessable.getMessage()));
        } catch (RuntimeException retried) {
            outcome = "retried";
            throw retried;
        } finally {
            sample.stop(Timer.builder("nova.media.processing")
                    .description("Processing of uploaded media (thumbnails, video probing), by outcome")
                    .tag("kind", video ? "video" : "image")
                    .tag("outcome", outcome)
                    .register(meters));
        }
    }
}
