package social.nova.media;

import java.net.URI;
import java.time.Duration;

import io.helidon.config.Config;
import social.nova.events.EventSubscriptionSettings;
import social.nova.redis.RateLimiterSettings;

/**
 * media-service's tunables (config block {@code media}); every one has a default but the object
 * store's endpoint and credentials, which a deployment sets ({@code MEDIA_STORAGE_ENDPOINT} ...).
 *
 * @param maxImageBytes  largest image ({@code media.limits.image-bytes}, 10 MiB)
 * @param maxVideoBytes  largest video ({@code media.limits.video-bytes}, 100 MiB)
 * @param quotaBytes     storage per user, counting identical files once ({@code media.limits.quota-bytes}, 1 GiB)
 * @param uploadLimit    uploads per user ({@code media.limits.upload}: 60 per hour)
 * @param maxConcurrentUploads uploads one instance takes at once ({@code media.uploads.max-concurrent}, 8):
 *                       each holds one part in memory, so this bounds the heap uploads use
 *                       (two parts each: {@code 8 x 2 x part-bytes}, 80 MiB); over it an upload is UNAVAILABLE at once
 * @param storage        the object store
 * @param sweep          the clean-up of abandoned uploads ({@link UploadSweeper})
 * @param processing     thumbnails and video probing ({@link Processing})
 * @param postEvents     content-service's post events, which attach media to posts ({@code media.attachments.events})
 */
public record MediaSettings(
        long maxImageBytes,
        long maxVideoBytes,
        long quotaBytes,
        RateLimiterSettings uploadLimit,
        int maxConcurrentUploads,
        Storage storage,
        Sweep sweep,
        ProcessingSettings processing,
        EventSubscriptionSettings postEvents) {
    /** The contract's largest chunk, both ways. */
    static final int MAX_CHUNK_BYTES = 1024 * 1024;

    static final long MIB = 1024L * 1024;

    public MediaSettings {
        if (maxImageBytes < 1 || maxVideoBytes < 1 || quotaBytes < 1) {
            throw new IllegalArgumentException(
                    "media.limits: image-bytes, video-bytes and quota-bytes must be positive");
        }
        if (maxConcurrentUploads < 1) {
            throw new IllegalArgumentException(
                    "media.uploads.max-concurrent must be positive, not " + maxConcurrentUploads);
        }
    }

    /**
     * Where objects live: any S3-compatible store, reached with path-style requests.
     *
     * @param endpoint  the store's URL ({@code media.storage.endpoint}; unset means AWS S3 itself)
     * @param region    its region ({@code media.storage.region}, us-east-1)
     * @param bucket    the bucket ({@code media.storage.bucket}, nova-media)
     * @param accessKey the access key ({@code media.storage.access-key})
     * @param secretKey the secret key ({@code media.storage.secret-key})
     * @param createBucket whether the service creates the bucket when it is missing
     *                  ({@code media.storage.create-bucket}, true: development and test stores;
     *                  production buckets are made with their policies, outside the service)
     * @param partBytes bytes per part of a multipart upload ({@code media.storage.part-bytes}, 5 MiB, S3's
     *                  smallest part): the most an upload holds in memory besides one chunk
     * @param timeout   longest wait for one request to the store ({@code media.storage.timeout}, 30 s)
     */
    public record Storage(
            URI endpoint,
            String region,
            String bucket,
            String accessKey,
            String secretKey,
            boolean createBucket,
            int partBytes,
            Duration timeout) {
        public Storage {
            if (partBytes < 5 * MIB) {
                throw new IllegalArgumentException(
                        "media.storage.part-bytes must be at least 5 MiB (S3's smallest part)");
            }
            if (accessKey.isBlank() || secretKey.isBlank()) {
                throw new IllegalArgumentException("media.storage.access-key and secret-key must be set");
            }
        }

        static Storage create(Config storage) {
            return new Storage(
                    storage.get("endpoint").asString().map(URI::create).orElse(null),
                    storage.get("region").asString().orElse("us-east-1"),
                    storage.get("bucket").asString().orElse("nova-media"),
                    storage.get("access-key").asString().orElse(""),
                    storage.get("secret-key").asString().orElse(""),
                    storage.get("create-bucket").asBoolean().orElse(true),
                    storage.get("part-bytes").asInt().orElse((int) (5 * MIB)),
                    storage.get("timeout").as(Duration.class).orElse(Duration.ofSeconds(30)));
        }
    }

    /**
     * How abandoned uploads are cleaned up.
     *
     * @param interval   how often ({@code media.sweep.interval}, 10 min)
     * @param staleAfter the age from which a staging upload or object is abandoned ({@code media.sweep.stale-after},
     *                   24 h: far longer than any upload takes, so a live one is never swept)
     */
    public record Sweep(Duration interval, Duration staleAfter) {
        public Sweep {
            if (interval.isNegative() || interval.isZero()) {
                throw new IllegalArgumentException("media.sweep.interval must be positive");
            }
            if (staleAfter.isNegative()) {
                throw new IllegalArgumentException("media.sweep.stale-after must not be negative");
            }
        }

        static Sweep create(Config sweep) {
            return new Sweep(
                    sweep.get("interval").as(Duration.class).orElse(Duration.ofMinutes(10)),
                    sweep.get("stale-after").as(Duration.class).orElse(Duration.ofHours(24)));
        }
    }

    /**
     * Processing after upload.
     *
     * @param events       the subscription to {@code nova.events.media} ({@code media.processing.events})
     * @param maxPixels    largest image decoded, width x height ({@code media.processing.max-pixels}, 100 million):
     *                     a bigger one ends FAILED
     * @param webpQuality  thumbnail quality, 0..1 ({@code media.processing.webp-quality}, 0.8)
     * @param ffmpeg       the ffmpeg command ({@code media.processing.ffmpeg})
     * @param ffprobe      the ffprobe command ({@code media.processing.ffprobe})
     * @param videoTimeout longest run of ffmpeg or ffprobe on one video ({@code media.processing.video-timeout}, 60 s)
     */
    public record ProcessingSettings(
            EventSubscriptionSettings events,
            long maxPixels,
            float webpQuality,
            String ffmpeg,
            String ffprobe,
            Duration videoTimeout) {
        public ProcessingSettings {
            if (maxPixels < 1) {
                throw new IllegalArgumentException("media.processing.max-pixels must be positive");
            }
            if (webpQuality < 0 || webpQuality > 1) {
                throw new IllegalArgumentException("media.processing.webp-quality must be within 0..1");
            }
            if (videoTimeout.isNegative() || videoTimeout.isZero()) {
                throw new IllegalArgumentException("media.processing.video-timeout must be positive");
            }
        }

        static ProcessingSettings create(Config processing) {
            return new ProcessingSettings(
                    EventSubscriptionSettings.create(processing.get("events")),
                    processing.get("max-pixels").asLong().orElse(100_000_000L),
                    processing.get("webp-quality").asDouble().orElse(0.8).floatValue(),
                    processing.get("ffmpeg").asString().orElse("ffmpeg"),
                    processing.get("ffprobe").asString().orElse("ffprobe"),
                    processing.get("video-timeout").as(Duration.class).orElse(Duration.ofSeconds(60)));
        }
    }

    public static MediaSettings create(Config media) {
        Config limits = media.get("limits");
        Config upload = limits.get("upload");
        return new MediaSettings(
                limits.get("image-bytes").asLong().orElse(10 * MIB),
                limits.get("video-bytes").asLong().orElse(100 * MIB),
                limits.get("quota-bytes").asLong().orElse(1024 * MIB),
                RateLimiterSettings.of(
                        "upload",
                        upload.get("limit").asInt().orElse(60),
                        upload.get("window").as(Duration.class).orElse(Duration.ofHours(1))),
                media.get("uploads.max-concurrent").asInt().orElse(8),
                Storage.create(media.get("storage")),
                Sweep.create(media.get("sweep")),
                ProcessingSettings.create(media.get("processing")),
                EventSubscriptionSettings.create(media.get("attachments.events")));
    }

    long maxBytes(MediaTypes type) {
        return type.isVideo() ? maxVideoBytes : maxImageBytes;
    }
}
