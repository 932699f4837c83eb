package social.nova.media;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.GetThumbnailRequest;
import social.nova.contracts.media.v1.GetThumbnailResponse;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.contracts.media.v1.ThumbnailSize;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.servicetesting.NovaEvents;
import social.nova.testing.TestImages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;

/**
 * What happens after an upload, on real PostgreSQL, Redis (the MediaUploaded event) and S3Proxy:
 * thumbnails of the upright image, FAILED with a reason for what cannot be decoded, and media
 * readable by anyone while a post shows them.
 */
class ProcessingIT {
    private final Platform platform = Platform.shared();

    @Test
    void aSidewaysJpegGetsUprightWebpThumbnailsNeverEnlarged() throws Exception {
        Platform.User hal = platform.user();
        byte[] jpeg = TestImages.withExifOrientation(TestImages.halves("jpeg", 300, 200), 6);
        MediaMetadata stored = Transfers.upload(
                platform.asyncAs(hal), Transfers.metadata("image/jpeg", jpeg, "sideways.jpg"), jpeg, Transfers.CHUNK);
        assertThat(stored.getStatus()).isEqualTo(MediaStatus.MEDIA_STATUS_PROCESSING);

        MediaMetadata ready = platform.awaitStatus(hal, stored.getId(), MediaStatus.MEDIA_STATUS_READY);

        assertThat(ready.getWidth()).isEqualTo(200);
        assertThat(ready.getHeight()).isEqualTo(300);
        assertThat(ready.hasDuration()).isFalse();
        GetThumbnailResponse small = thumbnail(hal, stored.getId(), ThumbnailSize.THUMBNAIL_SIZE_SMALL);
        assertThat(small.getContentType()).isEqualTo("image/webp");
        assertThat(List.of(small.getWidth(), small.getHeight())).containsExactly(100, 150);
        BufferedImage decoded =
                ImageIO.read(new ByteArrayInputStream(small.getData().toByteArray()));
        assertThat(List.of(decoded.getWidth(), decoded.getHeight())).containsExactly(100, 150);
        assertThat((decoded.getRGB(50, 10) >> 16) & 0xff).as("red on top").isGreaterThan(200);
        assertThat(decoded.getRGB(50, 140) & 0xff).as("blue below").isGreaterThan(200);
        GetThumbnailResponse large = thumbnail(hal, stored.getId(), ThumbnailSize.THUMBNAIL_SIZE_LARGE);
        assertThat(List.of(large.getWidth(), large.getHeight())).containsExactly(200, 300);
    }

    @Test
    void aFileThatIsNotTheImageItsHeaderClaimsEndsFailedWithTheReason() {
        Platform.User ida = platform.user();
        byte[] truncated = Arrays.copyOf(Files.png(200, 200, 21), 100);
        MediaMetadata stored = Transfers.upload(
                platform.asyncAs(ida), Transfers.metadata("image/png", truncated, "cut.png"), truncated, 50);

        platform.awaitStatus(ida, stored.getId(), MediaStatus.MEDIA_STATUS_FAILED);

        NovaException failed = failure(() -> platform.blockingAs(ida)
                .getThumbnail(GetThumbnailRequest.newBuilder()
                        .setMediaId(stored.getId())
                        .setSize(ThumbnailSize.THUMBNAIL_SIZE_MEDIUM)
                        .build()));
        assertThat(failed.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(failed.reason()).contains("MEDIA_FAILED");
        assertThat(failed.getMessage()).contains("could not be processed: the image cannot be decoded");
        // The bytes are still there, as uploaded.
        assertThat(Transfers.download(platform.blockingAs(ida), stored.getId(), 0)
                        .bytes())
                .isEqualTo(truncated);
    }

    @Test
    void aVideoWhereFfmpegCannotRunEndsFailedSayingSo() {
        Platform.User jo = platform.user();
        byte[] video = Files.mp4Like(4096, 22);
        MediaMetadata stored =
                Transfers.upload(platform.asyncAs(jo), Transfers.metadata("video/mp4", video, "clip.mp4"), video, 1024);

        platform.awaitStatus(jo, stored.getId(), MediaStatus.MEDIA_STATUS_FAILED);

        NovaException failed = failure(() -> platform.blockingAs(jo)
                .getThumbnail(GetThumbnailRequest.newBuilder()
                        .setMediaId(stored.getId())
                        .setSize(ThumbnailSize.THUMBNAIL_SIZE_SMALL)
                        .build()));
        assertThat(failed.getMessage())
                .contains("video processing is not available: " + Platform.NO_FFMPEG + " cannot run");
    }

    @Test
    void mediaAPostShowsAreReadableByAnyoneUntilThePostIsDeleted() {
        Platform.User kim = platform.user();
        Platform.User reader = platform.user();
        byte[] png = Files.png(90, 60, 23);
        MediaMetadata stored = Transfers.upload(
                platform.asyncAs(kim), Transfers.metadata("image/png", png, "shared.png"), png, Transfers.CHUNK);
        platform.awaitStatus(kim, stored.getId(), MediaStatus.MEDIA_STATUS_READY);
        GetMediaMetadataRequest byId =
                GetMediaMetadataRequest.newBuilder().setMediaId(stored.getId()).build();
        assertThat(failure(() -> platform.blockingAs(reader).getMediaMetadata(byId))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        // A post by someone else naming kim's media does not publish it.
        NovaEvents.postCreated(
                UUID.randomUUID().toString(), reader.id(), "not mine", Instant.now(), List.of(stored.getId()));
        String post = UUID.randomUUID().toString();
        NovaEvents.postCreated(post, kim.id(), "look", Instant.now(), List.of(stored.getId()));

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(platform.blockingAs(reader)
                                .getMediaMetadata(byId)
                                .getMedia()
                                .getId())
                        .isEqualTo(stored.getId()));
        // Events of one stream are handled in order: the stranger's post was seen first, and skipped.
        List<UUID> posts = Platform.admin()
                .withHandle(handle -> handle.createQuery("SELECT post_id FROM media.attachments WHERE media_id = :id")
                        .bind("id", UUID.fromString(stored.getId()))
                        .mapTo(UUID.class)
                        .list());
        assertThat(posts).containsExactly(UUID.fromString(post));
        assertThat(Transfers.download(platform.blockingAs(reader), stored.getId(), 0)
                        .bytes())
                .isEqualTo(png);
        assertThat(thumbnail(reader, stored.getId(), ThumbnailSize.THUMBNAIL_SIZE_SMALL)
                        .getWidth())
                .isEqualTo(90);

        NovaEvents.postDeleted(post, kim.id());

        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(
                                failure(() -> platform.blockingAs(reader).getMediaMetadata(byId))
                                        .code())
                        .isEqualTo(ErrorCode.NOT_FOUND));
        assertThat(platform.blockingAs(kim).getMediaMetadata(byId).getMedia().getId())
                .isEqualTo(stored.getId());
    }

    private GetThumbnailResponse thumbnail(Platform.User user, String mediaId, ThumbnailSize size) {
        return platform.blockingAs(user)
                .getThumbnail(GetThumbnailRequest.newBuilder()
                        .setMediaId(mediaId)
                        .setSize(size)
                        .build());
    }
}
