package social.nova.media;

import java.util.UUID;

import com.google.protobuf.ByteString;
import com.google.protobuf.Duration;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.media.v1.BeginUploadRequest;
import social.nova.contracts.media.v1.BeginUploadResponse;
import social.nova.contracts.media.v1.CompleteUploadRequest;
import social.nova.contracts.media.v1.CompleteUploadResponse;
import social.nova.contracts.media.v1.DownloadRequest;
import social.nova.contracts.media.v1.DownloadResponse;
import social.nova.contracts.media.v1.GetDownloadUrlRequest;
import social.nova.contracts.media.v1.GetDownloadUrlResponse;
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.GetMediaMetadataResponse;
import social.nova.contracts.media.v1.GetThumbnailRequest;
import social.nova.contracts.media.v1.GetThumbnailResponse;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.MediaStatus;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.contracts.media.v1.UploadResponse;
import social.nova.kit.Callers;

import static social.nova.kit.Protos.reply;
import static social.nova.kit.Protos.timestamp;

/**
 * The gRPC face of media-service: proto in, domain call, proto out. Every RPC needs a caller;
 * validation and every error live in {@link Upload} and {@link Media}; the kit maps thrown errors
 * to statuses, from streaming handlers too.
 */
final class MediaEndpoint extends MediaServiceGrpc.MediaServiceImplBase {
    private final Media media;
    private final DirectUploads directUploads;

    MediaEndpoint(Media media, DirectUploads directUploads) {
        this.media = media;
        this.directUploads = directUploads;
    }

    /**
     * A refused upload (bad metadata, quota, limits, wrong bytes) is answered when the client
     * half-closes, not when it is refused: its remaining messages are read and dropped until then.
     * Closing the call while the client still sends left Helidon 4.5's HTTP/2 connection short of
     * flow-control window for each refused upload: after about a dozen on one connection (the
     * gateway's to media-service) no call on it could send a byte (RefusedUploadsIT). The refusal
     * itself still happens at once: nothing is stored or held after it.
     */
    @Override
    public StreamObserver<UploadRequest> upload(StreamObserver<UploadResponse> response) {
        Upload upload = media.upload(callerId());
        return new StreamObserver<>() {
            private RuntimeException refused;
            private boolean over;

            @Override
            public void onNext(UploadRequest message) {
                if (over || refused != null) {
                    return;
                }
                try {
                    upload.accept(message);
                } catch (RuntimeException e) {
                    refused = e;
                    upload.abandon();
                } catch (Error e) {
                    over = true;
                    upload.abandon();
                    throw e;
                }
            }

            /** The client cancelled (or the call broke): nothing is stored. */
            @Override
            public void onError(Throwable cancelled) {
                over = true;
                upload.abandon();
            }

            @Override
            public void onCompleted() {
                if (over) {
                    return;
                }
                over = true;
                if (refused != null) {
                    throw refused;
                }
                try {
                    MediaStore.Media stored = upload.finish();
                    reply(
                            response,
                            UploadResponse.newBuilder().setMedia(proto(stored)).build());
                } finally {
                    upload.abandon();
                }
            }
        };
    }

    @Override
    public void beginUpload(BeginUploadRequest request, StreamObserver<BeginUploadResponse> response) {
        ObjectStore.PresignedPut put =
                directUploads.begin(callerId(), request.getMetadata(), request.getCallerChecksSha256());
        reply(
                response,
                BeginUploadResponse.newBuilder()
                        .setUrl(put.url().toString())
                        .putAllHeaders(put.headers())
                        .setExpiresAt(timestamp(put.expiresAt()))
                        .build());
    }

    @Override
    public void completeUpload(CompleteUploadRequest request, StreamObserver<CompleteUploadResponse> response) {
        MediaStore.Media stored = directUploads.complete(callerId(), request.getMetadata());
        reply(
                response,
                CompleteUploadResponse.newBuilder().setMedia(proto(stored)).build());
    }

    @Override
    public void getMediaMetadata(GetMediaMetadataRequest request, StreamObserver<GetMediaMetadataResponse> response) {
        reply(
                response,
                GetMediaMetadataResponse.newBuilder()
                        .setMedia(proto(media.metadata(callerId(), request.getMediaId())))
                        .build());
    }

    @Override
    public void download(DownloadRequest request, StreamObserver<DownloadResponse> response) {
        var call = (ServerCallStreamObserver<DownloadResponse>) response;
        media.download(callerId(), request.getMediaId(), request.getOffset(), new Media.DownloadSink() {
            @Override
            public void metadata(MediaStore.Media item) {
                call.onNext(
                        DownloadResponse.newBuilder().setMetadata(proto(item)).build());
            }

            @Override
            public boolean chunk(ByteString bytes) {
                if (call.isCancelled()) {
                    return false;
                }
                // Helidon writes each message to the HTTP/2 stream and waits for its flow-control
                // window: a slow reader slows this loop, the heap holds one chunk.
                call.onNext(DownloadResponse.newBuilder().setChunk(bytes).build());
                return true;
            }
        });
        if (!call.isCancelled()) {
            call.onCompleted();
        }
    }

    @Override
    public void getDownloadUrl(GetDownloadUrlRequest request, StreamObserver<GetDownloadUrlResponse> response) {
        Media.DownloadUrl location = media.downloadUrl(callerId(), request.getMediaId());
        reply(
                response,
                GetDownloadUrlResponse.newBuilder()
                        .setMedia(proto(location.media()))
                        .setUrl(location.url().toString())
                        .setExpiresAt(timestamp(location.expiresAt()))
                        .build());
    }

    @Override
    public void getThumbnail(GetThumbnailRequest request, StreamObserver<GetThumbnailResponse> response) {
        int sizePx = switch (request.getSize()) {
            case THUMBNAIL_SIZE_SMALL -> 150;
            case THUMBNAIL_SIZE_MEDIUM -> 480;
            case THUMBNAIL_SIZE_LARGE -> 1080;
            case THUMBNAIL_SIZE_UNSPECIFIED, UNRECOGNIZED -> 0;
        };
        Media.Thumbnail thumbnail = media.thumbnail(callerId(), request.getMediaId(), sizePx);
        reply(
                response,
                GetThumbnailResponse.newBuilder()
                        .setContentType("image/webp")
                        .setWidth(thumbnail.width())
                        .setHeight(thumbnail.height())
                        .setData(ByteString.copyFrom(thumbnail.webp()))
                        .build());
    }

    static MediaMetadata proto(MediaStore.Media item) {
        MediaMetadata.Builder proto = MediaMetadata.newBuilder()
                .setId(item.id().toString())
                .setOwnerId(item.ownerId().toString())
                .setContentType(item.contentType())
                .setSizeBytes(item.sizeBytes())
                .setFileName(item.fileName())
                .setSha256(item.sha256())
                .setWidth(item.width())
                .setHeight(item.height())
                .setStatus(
                        switch (item.status()) {
                            case PROCESSING -> MediaStatus.MEDIA_STATUS_PROCESSING;
                            case READY -> MediaStatus.MEDIA_STATUS_READY;
                            case FAILED -> MediaStatus.MEDIA_STATUS_FAILED;
                        })
                .setCreatedAt(timestamp(item.createdAt()));
        if (item.durationMs() != null) {
            proto.setDuration(Duration.newBuilder()
                    .setSeconds(item.durationMs() / 1000)
                    .setNanos((int) (item.durationMs() % 1000) * 1_000_000));
        }
        return proto.build();
    }

    private static UUID callerId() {
        return UUID.fromString(Callers.require().userId());
    }
}
