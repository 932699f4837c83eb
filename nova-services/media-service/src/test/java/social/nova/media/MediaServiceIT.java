package social.nova.media;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import social.nova.contracts.media.v1.BeginUploadRequest;
import social.nova.contracts.media.v1.BeginUploadResponse;
import social.nova.contracts.media.v1.CompleteUploadRequest;
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.GetThumbnailRequest;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.contracts.media.v1.ThumbnailSize;
import social.nova.contracts.media.v1.UploadMetadata;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.contracts.media.v1.UploadResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.NovaException;
import social.nova.kit.RunningService;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static social.nova.testing.GrpcErrors.failure;
import static social.nova.testing.GrpcErrors.violatedFields;

/**
 * media-service over real gRPC, its bytes in a real S3-compatible store (S3Proxy) and its
 * metadata in PostgreSQL: what goes up comes down byte for byte; bad uploads get the contract's
 * field errors and leave nothing behind, in the bucket or the tables.
 */
class MediaServiceIT {
    private final Platform platform = Platform.shared();

    @Test
    void aPngUploadedInChunksComesBackByteIdenticalWithItsMetadata() {
        Platform.User ann = platform.user();
        byte[] png = Files.png(300, 200, 1);
        UploadMetadata declared = Transfers.metadata("image/png", png, "beach.png").toBuilder()
                .setSha256(Files.sha256(png))
                .build();

        MediaMetadata stored = Transfers.upload(platform.asyncAs(ann), declared, png, 7_000);

        assertThat(stored.getOwnerId()).isEqualTo(ann.id());
        assertThat(stored.getContentType()).isEqualTo("image/png");
        assertThat(stored.getSizeBytes()).isEqualTo(png.length);
        assertThat(stored.getFileName()).isEqualTo("beach.png");
        assertThat(stored.getSha256()).isEqualTo(Files.sha256(png));
        assertThat(stored.getStatus()).isEqualTo(MediaStatus.MEDIA_STATUS_PROCESSING);
        assertThat(stored.hasCreatedAt()).isTrue();

        Transfers.Download download = Transfers.download(platform.blockingAs(ann), stored.getId(), 0);
        assertThat(download.metadata()).isEqualTo(stored);
        assertThat(Files.sha256(download.bytes())).isEqualTo(Files.sha256(png));
        assertThat(platform.blockingAs(ann)
                        .getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                                .setMediaId(stored.getId())
                                .build())
                        .getMedia())
                .isEqualTo(stored);
    }

    @Test
    void aVideoOfSeveralPartsResumesFromAnyOffsetAndNotPastItsEnd() {
        Platform.User ben = platform.user();
        // 12 MiB: three parts of the store's multipart upload (5 + 5 + 2 MiB), sent in 1 MiB chunks.
        byte[] video = Files.mp4Like(12 * 1024 * 1024 + 123, 2);
        MediaMetadata stored = Transfers.upload(
                platform.asyncAs(ben), Transfers.metadata("video/mp4", video, "clip.mp4"), video, 1024 * 1024);
        assertThat(stored.getSha256()).isEqualTo(Files.sha256(video));

        Transfers.Download whole = Transfers.download(platform.blockingAs(ben), stored.getId(), 0);
        assertThat(whole.bytes()).isEqualTo(video);
        assertThat(whole.chunks()).isEqualTo(13);

        int offset = 7 * 1024 * 1024 + 5;
        Transfers.Download rest = Transfers.download(platform.blockingAs(ben), stored.getId(), offset);
        assertThat(rest.bytes()).isEqualTo(Arrays.copyOfRange(video, offset, video.length));
        Transfers.Download none = Transfers.download(platform.blockingAs(ben), stored.getId(), video.length);
        assertThat(none.bytes()).isEmpty();

        NovaException past =
                failure(() -> Transfers.download(platform.blockingAs(ben), stored.getId(), video.length + 1L));
        assertThat(past.code()).isEqualTo(ErrorCode.OUT_OF_RANGE);
        assertThat(past.getMessage()).contains("past the end");
        assertThat(violatedFields(() -> Transfers.download(platform.blockingAs(ben), stored.getId(), -1)))
                .containsExactly("offset");
    }

    @Test
    void theSameFileUploadedTwiceIsStoredOnceAndCountedOnce() {
        Platform.User cat = platform.user();
        byte[] jpeg = Files.jpeg(120, 90, 3);
        MediaMetadata first = Transfers.upload(
                platform.asyncAs(cat), Transfers.metadata("image/jpeg", jpeg, "a.jpg"), jpeg, Transfers.CHUNK);
        MediaMetadata second = Transfers.upload(
                platform.asyncAs(cat), Transfers.metadata("image/jpeg", jpeg, "b.jpg"), jpeg, Transfers.CHUNK);

        assertThat(second.getId()).isNotEqualTo(first.getId());
        assertThat(second.getFileName()).isEqualTo("b.jpg");
        assertThat(objectsOf(cat))
                .extracting(S3Object::key)
                .containsExactly("objects/" + cat.id() + "/" + first.getSha256());
        assertThat(usedBytes(cat)).isEqualTo(jpeg.length);
        assertThat(Transfers.download(platform.blockingAs(cat), second.getId(), 0)
                        .bytes())
                .isEqualTo(jpeg);
    }

    /**
     * A declared SHA-256 sends the bytes straight to their content address, as a multipart upload
     * completed only once they match: a wrong declaration stores nothing there, and cannot touch
     * bytes stored under that address before. The same bytes declared again are checked, not stored.
     */
    @Test
    void aDeclaredUploadGoesToItsContentAddressOnlyWhenItsBytesMatch() {
        Platform.User gus = platform.user();
        byte[] video = Files.mp4Like(12 * 1024 * 1024 + 5, 21);
        byte[] other = Files.mp4Like(12 * 1024 * 1024 + 5, 22);
        String key = "objects/" + gus.id() + "/" + Files.sha256(video);

        UploadMetadata declared = Transfers.metadata("video/mp4", video, "v.mp4").toBuilder()
                .setSha256(Files.sha256(video))
                .build();
        MediaMetadata stored = Transfers.upload(platform.asyncAs(gus), declared, video, Transfers.CHUNK);
        assertThat(objectsOf(gus)).extracting(S3Object::key).containsExactly(key);
        assertThat(staging()).isEmpty();

        // Other bytes claiming a SHA-256 not stored yet: the parts sent are aborted, nothing is stored.
        UploadMetadata wrongNew = Transfers.metadata("video/mp4", other, "w.mp4").toBuilder()
                .setSha256(Files.sha256(new byte[] {1, 2, 3}))
                .build();
        assertThat(violatedFields(() -> Transfers.upload(platform.asyncAs(gus), wrongNew, other, Transfers.CHUNK)))
                .containsExactly("metadata.sha256");
        // Other bytes claiming the stored file's SHA-256: refused, and the stored bytes stay as they were.
        UploadMetadata wrongKnown = Transfers.metadata("video/mp4", other, "w.mp4").toBuilder()
                .setSha256(Files.sha256(video))
                .build();
        assertThat(violatedFields(() -> Transfers.upload(platform.asyncAs(gus), wrongKnown, other, Transfers.CHUNK)))
                .containsExactly("metadata.sha256");
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(pendingUploads()).isEmpty());
        assertThat(objectsOf(gus)).extracting(S3Object::key).containsExactly(key);
        assertThat(Transfers.download(platform.blockingAs(gus), stored.getId(), 0)
                        .bytes())
                .isEqualTo(video);

        // The same bytes declared again: a second item on the one object, counted once.
        MediaMetadata again = Transfers.upload(
                platform.asyncAs(gus),
                declared.toBuilder().setFileName("again.mp4").build(),
                video,
                Transfers.CHUNK);
        assertThat(again.getId()).isNotEqualTo(stored.getId());
        assertThat(Transfers.download(platform.blockingAs(gus), again.getId(), 0)
                        .bytes())
                .isEqualTo(video);
        assertThat(objectsOf(gus)).extracting(S3Object::key).containsExactly(key);
        assertThat(usedBytes(gus)).isEqualTo(video.length);
        assertThat(mediaRows(gus)).isEqualTo(2);
    }

    /**
     * BeginUpload and CompleteUpload, with the bytes PUT to the store as the gateway does: the store
     * refuses bytes of another SHA-256 and stores nothing, media-service refuses a completion with
     * nothing stored and bytes of another type (and deletes those), and records what passed.
     */
    @Test
    void bytesPutStraightToTheStoreAreCheckedThereAndRecordedOnCompletion() throws Exception {
        Platform.User ida = platform.user();
        var stub = platform.blockingAs(ida);
        byte[] video = Files.mp4Like(6 * 1024 * 1024 + 3, 31);
        UploadMetadata declared = Transfers.metadata("video/mp4", video, "direct.mp4").toBuilder()
                .setSha256(Files.sha256(video))
                .build();
        String key = "objects/" + ida.id() + "/" + Files.sha256(video);

        BeginUploadResponse begin = stub.beginUpload(
                BeginUploadRequest.newBuilder().setMetadata(declared).build());
        assertThat(begin.getUrl()).contains(key);
        // Other bytes than declared: the store refuses them and keeps nothing.
        byte[] other = Files.mp4Like(video.length, 32);
        assertThat(Transfers.put(begin, other))
                .satisfies(answer -> assertThat(answer.getKey()).isEqualTo(400))
                .satisfies(answer -> assertThat(answer.getValue()).contains("BadDigest"));
        assertThat(objectsOf(ida)).isEmpty();
        NovaException nothing = failure(() -> stub.completeUpload(
                CompleteUploadRequest.newBuilder().setMetadata(declared).build()));
        assertThat(nothing.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(nothing.getMessage()).contains("PUT them");

        assertThat(Transfers.put(begin, video).getKey()).isEqualTo(200);
        MediaMetadata stored = stub.completeUpload(
                        CompleteUploadRequest.newBuilder().setMetadata(declared).build())
                .getMedia();
        assertThat(stored.getSha256()).isEqualTo(Files.sha256(video));
        assertThat(stored.getSizeBytes()).isEqualTo(video.length);
        assertThat(stored.getStatus()).isEqualTo(MediaStatus.MEDIA_STATUS_PROCESSING);
        assertThat(Transfers.download(stub, stored.getId(), 0).bytes()).isEqualTo(video);
        assertThat(objectsOf(ida)).extracting(S3Object::key).containsExactly(key);
        assertThat(usedBytes(ida)).isEqualTo(video.length);

        // A .exe declared as PNG: stored by the PUT (its SHA-256 is right), refused and deleted on completion.
        byte[] exe = Files.exe(5_000);
        UploadMetadata renamed = Transfers.metadata("image/png", exe, "cat.png").toBuilder()
                .setSha256(Files.sha256(exe))
                .build();
        BeginUploadResponse exeBegin = stub.beginUpload(
                BeginUploadRequest.newBuilder().setMetadata(renamed).build());
        assertThat(Transfers.put(exeBegin, exe).getKey()).isEqualTo(200);
        assertThat(violatedFields(() -> stub.completeUpload(
                        CompleteUploadRequest.newBuilder().setMetadata(renamed).build())))
                .containsExactly("metadata.content_type");
        assertThat(objectsOf(ida)).extracting(S3Object::key).containsExactly(key);
        assertThat(mediaRows(ida)).isEqualTo(1);

        // The store checks the SHA-256, so it must be declared.
        assertThat(violatedFields(() -> stub.beginUpload(BeginUploadRequest.newBuilder()
                        .setMetadata(Transfers.metadata("video/mp4", video, "v.mp4"))
                        .build())))
                .containsExactly("metadata.sha256");
    }

    /**
     * A caller that checks the SHA-256 itself (the gateway) gets a URL without the checksum, and
     * relies on the store keeping nothing of a PUT cut short: it withholds the last bytes of a body
     * whose SHA-256 is not the declared one. Cut short at a new address: nothing is stored; at an
     * address that holds the right bytes: they stay.
     */
    @Test
    void aCallerThatChecksTheSha256ItselfCutsThePutShortAndTheStoreKeepsNothingOfIt() throws Exception {
        Platform.User gil = platform.user();
        var stub = platform.blockingAs(gil);
        byte[] video = Files.mp4Like(3 * 1024 * 1024 + 5, 41);
        byte[] other = Files.mp4Like(video.length, 42);
        UploadMetadata declared = Transfers.metadata("video/mp4", video, "checked.mp4").toBuilder()
                .setSha256(Files.sha256(video))
                .build();
        BeginUploadRequest checkedByCaller = BeginUploadRequest.newBuilder()
                .setMetadata(declared)
                .setCallerChecksSha256(true)
                .build();
        BeginUploadResponse begin = stub.beginUpload(checkedByCaller);
        assertThat(begin.getHeadersMap().keySet()).noneMatch(name -> name.equalsIgnoreCase("x-amz-checksum-sha256"));
        assertThat(stub.beginUpload(BeginUploadRequest.newBuilder()
                                .setMetadata(declared)
                                .build())
                        .getHeadersMap()
                        .keySet())
                .anyMatch(name -> name.equalsIgnoreCase("x-amz-checksum-sha256"));

        Transfers.cutShort(begin, other);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> objectsOf(gil).isEmpty());
        assertThat(failure(() -> stub.completeUpload(CompleteUploadRequest.newBuilder()
                                .setMetadata(declared)
                                .build()))
                        .code())
                .isEqualTo(ErrorCode.FAILED_PRECONDITION);

        assertThat(Transfers.put(begin, video).getKey()).isEqualTo(200);
        MediaMetadata stored = stub.completeUpload(
                        CompleteUploadRequest.newBuilder().setMetadata(declared).build())
                .getMedia();
        Transfers.cutShort(stub.beginUpload(checkedByCaller), other);
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(5))
                .until(() -> objectsOf(gil).size() == 1);
        assertThat(Transfers.download(stub, stored.getId(), 0).bytes()).isEqualTo(video);
        assertThat(usedBytes(gil)).isEqualTo(video.length);
    }

    @Test
    void theQuotaRefusesWhatDoesNotFitButNotAFileAlreadyStored() throws Exception {
        RunningService small = Platform.startMedia(Map.of("media.limits.quota-bytes", "1000000"));
        ManagedChannel channel = Platform.channelTo(small);
        try {
            Platform.User dan = platform.user();
            byte[] first = Files.mp4Like(600_000, 4);
            byte[] second = Files.mp4Like(600_000, 5);
            Transfers.upload(
                    Platform.asyncAs(channel, dan),
                    Transfers.metadata("video/mp4", first, "1.mp4"),
                    first,
                    Transfers.CHUNK);

            // Declared up front: refused before a byte is sent.
            NovaException full = failure(() -> Transfers.upload(
                    Platform.asyncAs(channel, dan),
                    Transfers.metadata("video/mp4", second, "2.mp4"),
                    second,
                    Transfers.CHUNK));
            assertThat(full.code()).isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            assertThat(full.reason()).contains("STORAGE_QUOTA_EXCEEDED");
            assertThat(full.domain()).contains("media.nova.social");

            // The same bytes again take no more room; declared by their SHA-256, they pass the
            // check made before the bytes arrive (an undeclared file must fit as if it were new).
            NovaException undeclared = failure(() -> Transfers.upload(
                    Platform.asyncAs(channel, dan),
                    Transfers.metadata("video/mp4", first, "1-again.mp4"),
                    first,
                    Transfers.CHUNK));
            assertThat(undeclared.reason()).contains("STORAGE_QUOTA_EXCEEDED");
            UploadMetadata sameAgain = Transfers.metadata("video/mp4", first, "1-again.mp4").toBuilder()
                    .setSha256(Files.sha256(first))
                    .build();
            MediaMetadata again = Transfers.upload(Platform.asyncAs(channel, dan), sameAgain, first, Transfers.CHUNK);
            assertThat(again.getSha256()).isEqualTo(Files.sha256(first));
            assertThat(usedBytes(dan)).isEqualTo(first.length);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            small.stop();
        }
    }

    @Test
    void badUploadsGetTheContractsFieldErrorsAndLeaveNothingBehind() {
        Platform.User eve = platform.user();
        var stub = platform.asyncAs(eve);
        byte[] png = Files.png(40, 40, 6);

        // A .exe renamed .png: judged by its bytes.
        byte[] exe = Files.exe(5_000);
        NovaException renamed =
                failure(() -> Transfers.upload(stub, Transfers.metadata("image/png", exe, "cat.png"), exe, 1_000));
        assertThat(renamed.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("metadata.content_type");
            assertThat(violation.description()).contains("not image/png");
        });
        // A JPEG declared as PNG.
        byte[] jpeg = Files.jpeg(40, 40, 7);
        assertThat(violatedFields(
                        () -> Transfers.upload(stub, Transfers.metadata("image/png", jpeg, "x.png"), jpeg, 1_000)))
                .containsExactly("metadata.content_type");
        // One byte over the image limit, refused before any byte is sent.
        UploadMetadata tooBig = Transfers.metadata("image/png", png, "big.png").toBuilder()
                .setSizeBytes(10L * 1024 * 1024 + 1)
                .build();
        assertThat(violatedFields(() -> Transfers.uploadMessages(
                        stub, UploadRequest.newBuilder().setMetadata(tooBig).build())))
                .containsExactly("metadata.size_bytes");
        assertThat(violatedFields(
                        () -> Transfers.upload(stub, Transfers.metadata("image/bmp", png, "x.bmp"), png, 1_000)))
                .containsExactly("metadata.content_type");
        assertThat(violatedFields(
                        () -> Transfers.upload(stub, Transfers.metadata("image/png", png, "photos/x.png"), png, 1_000)))
                .containsExactly("metadata.file_name");
        assertThat(violatedFields(() -> Transfers.upload(stub, Transfers.metadata("image/png", png, ""), png, 1_000)))
                .containsExactly("metadata.file_name");
        UploadMetadata badSha = Transfers.metadata("image/png", png, "x.png").toBuilder()
                .setSha256("ABC")
                .build();
        assertThat(violatedFields(() -> Transfers.upload(stub, badSha, png, 1_000)))
                .containsExactly("metadata.sha256");
        UploadMetadata wrongSha = Transfers.metadata("image/png", png, "x.png").toBuilder()
                .setSha256(Files.sha256(jpeg))
                .build();
        NovaException mismatch = failure(() -> Transfers.upload(stub, wrongSha, png, 1_000));
        assertThat(mismatch.violations()).singleElement().satisfies(violation -> {
            assertThat(violation.field()).isEqualTo("metadata.sha256");
            assertThat(violation.description()).contains(Files.sha256(png));
        });
        // Bytes first, metadata twice, more or fewer bytes than declared, an empty chunk.
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, chunk(png))))
                .containsExactly("metadata");
        UploadRequest metadata = UploadRequest.newBuilder()
                .setMetadata(Transfers.metadata("image/png", png, "x.png"))
                .build();
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, metadata, metadata)))
                .containsExactly("metadata");
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, metadata, chunk(png), chunk(new byte[] {1}))))
                .containsExactly("metadata.size_bytes");
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, metadata, chunk(Arrays.copyOf(png, 100)))))
                .containsExactly("metadata.size_bytes");
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, metadata, chunk(new byte[0]))))
                .containsExactly("chunk");
        assertThat(violatedFields(() -> Transfers.uploadMessages(stub, metadata, chunk(new byte[1024 * 1024 + 1]))))
                .containsExactly("chunk");

        assertThat(mediaRows(eve)).isZero();
        assertThat(usedBytes(eve)).isZero();
        assertThat(objectsOf(eve)).isEmpty();
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(staging()).isEmpty());
    }

    /** Staged, or at its content address when the SHA-256 was declared: either way nothing stays. */
    @ParameterizedTest(name = "SHA-256 declared: {0}")
    @ValueSource(booleans = {false, true})
    void aCancelledUploadLeavesNoObjectNoPartsAndNoRow(boolean declared) throws Exception {
        Platform.User fay = platform.user();
        byte[] video = Files.mp4Like(8 * 1024 * 1024, 8);
        CompletableFuture<UploadResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = platform.asyncAs(fay).upload(Transfers.observer(answer));
        UploadMetadata metadata = Transfers.metadata("video/mp4", video, "half.mp4");
        requests.onNext(UploadRequest.newBuilder()
                .setMetadata(
                        declared
                                ? metadata.toBuilder()
                                        .setSha256(Files.sha256(video))
                                        .build()
                                : metadata)
                .build());
        // Six 1 MiB chunks: the first 5 MiB part is in the store when the client gives up.
        for (int i = 0; i < 6; i++) {
            requests.onNext(chunk(Arrays.copyOfRange(video, i * 1024 * 1024, (i + 1) * 1024 * 1024)));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> !pendingUploads().isEmpty());
        requests.onError(
                Status.CANCELLED.withDescription("the user closed the app").asRuntimeException());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(pendingUploads()).isEmpty();
            assertThat(staging()).isEmpty();
        });
        assertThat(objectsOf(fay)).isEmpty();
        assertThat(mediaRows(fay)).isZero();
        assertThat(usedBytes(fay)).isZero();
    }

    @Test
    void onlyTheOwnerReadsAnItemAndThumbnailsWaitForProcessing() {
        Platform.User gus = platform.user();
        Platform.User stranger = platform.user();
        byte[] png = Files.png(64, 64, 9);
        MediaMetadata stored = Transfers.upload(
                platform.asyncAs(gus), Transfers.metadata("image/png", png, "me.png"), png, Transfers.CHUNK);
        GetMediaMetadataRequest byId =
                GetMediaMetadataRequest.newBuilder().setMediaId(stored.getId()).build();

        assertThat(failure(() -> platform.blockingAs(stranger).getMediaMetadata(byId))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(failure(() -> Transfers.download(platform.blockingAs(stranger), stored.getId(), 0))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
        GetThumbnailRequest small = GetThumbnailRequest.newBuilder()
                .setMediaId(stored.getId())
                .setSize(ThumbnailSize.THUMBNAIL_SIZE_SMALL)
                .build();
        assertThat(failure(() -> platform.blockingAs(stranger).getThumbnail(small))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);

        // Processing this small PNG takes a moment; an item whose processing has not run yet:
        platform.awaitStatus(gus, stored.getId(), MediaStatus.MEDIA_STATUS_READY);
        Platform.admin()
                .useHandle(handle -> handle.createUpdate("UPDATE media.media SET status = 'PROCESSING' WHERE id = :id")
                        .bind("id", UUID.fromString(stored.getId()))
                        .execute());
        NovaException processing = failure(() -> platform.blockingAs(gus).getThumbnail(small));
        assertThat(processing.code()).isEqualTo(ErrorCode.FAILED_PRECONDITION);
        assertThat(processing.reason()).contains("MEDIA_PROCESSING");
        assertThat(violatedFields(() -> platform.blockingAs(gus)
                        .getThumbnail(GetThumbnailRequest.newBuilder()
                                .setMediaId(stored.getId())
                                .build())))
                .containsExactly("size");
        assertThat(violatedFields(() -> platform.blockingAs(gus)
                        .getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                                .setMediaId("not-a-uuid")
                                .build())))
                .containsExactly("media_id");
        assertThat(failure(() -> platform.blockingAs(gus)
                                .getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                                        .setMediaId("00000000-0000-0000-0000-000000000001")
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.NOT_FOUND);
    }

    @Test
    void withoutATokenNothingIsTakenOrGiven() {
        byte[] png = Files.png(10, 10, 10);
        StatusRuntimeException upload = org.junit.jupiter.api.Assertions.assertThrows(
                StatusRuntimeException.class,
                () -> Transfers.upload(
                        platform.asyncAnonymously(), Transfers.metadata("image/png", png, "x.png"), png, 1_000));
        assertThat(upload.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(failure(() -> platform.anonymously()
                                .getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                                        .setMediaId("00000000-0000-0000-0000-000000000001")
                                        .build()))
                        .code())
                .isEqualTo(ErrorCode.UNAUTHENTICATED);
    }

    private static UploadRequest chunk(byte[] bytes) {
        return UploadRequest.newBuilder().setChunk(ByteString.copyFrom(bytes)).build();
    }

    private static List<S3Object> objectsOf(Platform.User user) {
        try (S3Client s3 = Platform.s3()) {
            return s3.listObjectsV2(request -> request.bucket(Platform.BUCKET).prefix("objects/" + user.id() + "/"))
                    .contents();
        }
    }

    private static List<S3Object> staging() {
        try (S3Client s3 = Platform.s3()) {
            return s3.listObjectsV2(request -> request.bucket(Platform.BUCKET).prefix("staging/"))
                    .contents();
        }
    }

    /** Every multipart upload in the bucket not completed or aborted yet: staged or at a content address. */
    private static List<MultipartUpload> pendingUploads() {
        try (S3Client s3 = Platform.s3()) {
            return s3.listMultipartUploads(request -> request.bucket(Platform.BUCKET))
                    .uploads();
        }
    }

    private static long usedBytes(Platform.User user) {
        return Platform.admin()
                .withHandle(handle -> handle.createQuery(
                                "SELECT coalesce(sum(used_bytes), 0) FROM media.usage WHERE owner_id = CAST(:owner AS uuid)")
                        .bind("owner", user.id())
                        .mapTo(Long.class)
                        .one());
    }

    private static long mediaRows(Platform.User user) {
        return Platform.admin()
                .withHandle(handle -> handle.createQuery(
                                "SELECT count(*) FROM media.media WHERE owner_id = CAST(:owner AS uuid)")
                        .bind("owner", user.id())
                        .mapTo(Long.class)
                        .one());
    }
}
