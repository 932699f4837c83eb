package social.nova.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import social.nova.contracts.media.v1.BeginUploadRequest;
import social.nova.contracts.media.v1.BeginUploadResponse;
import social.nova.contracts.media.v1.CompleteUploadRequest;
import social.nova.contracts.media.v1.DownloadRequest;
import social.nova.contracts.media.v1.DownloadResponse;
import social.nova.contracts.media.v1.GetDownloadUrlRequest;
import social.nova.contracts.media.v1.GetDownloadUrlResponse;
import social.nova.contracts.media.v1.GetMediaMetadataRequest;
import social.nova.contracts.media.v1.GetThumbnailRequest;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.ThumbnailSize;
import social.nova.contracts.media.v1.UploadMetadata;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.contracts.media.v1.UploadResponse;
import social.nova.errors.ErrorCode;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.kit.Caller;

import static social.nova.gateway.RequestParams.ID;
import static social.nova.gateway.RequestParams.uuid;

/**
 * {@code /api/v1/media}, on media-service, with bodies streamed both ways: an upload's raw body goes
 * to {@code Upload} 1 MiB at a time, each chunk sent only when the gRPC stream is ready for it (its
 * flow-control window), and a download's bytes are read from the object store, at the URL
 * media-service gives once it has checked the caller may read them, and written to the response as
 * they arrive; the gateway's JSON body limit does not apply, and its heap holds a chunk or two per
 * transfer whatever the file's size. Transfers run on their own deadline
 * ({@code gateway.media.transfer-timeout}) instead of the request budget, on the stream channel (no
 * bulkhead or breaker slot held for minutes). Every route needs a signed-in user. Registered at
 * {@code /api/v1}.
 *
 * <p>Statuses besides the common ones: an upload over media-service's size limit is 413; a
 * {@code Range} past the end 416; a thumbnail still being made 409 (retry later).
 */
final class MediaRoutes implements HttpService {
    static final HeaderName CONTENT_SHA256 = HeaderNames.create("X-Content-SHA256");
    static final HeaderName FILE_NAME = HeaderNames.create("X-File-Name");
    static final int CHUNK_BYTES = 1024 * 1024;
    /**
     * How much of an upload may wait in the gateway to be sent to media-service while the next chunk
     * is read from the client. grpc-java's default readiness threshold, 32 KiB, is less than one
     * chunk: each chunk then waited until the one before had left, and reading from the client and
     * sending to media-service took turns instead of overlapping.
     */
    static final int UPLOAD_AHEAD_BYTES = 4 * CHUNK_BYTES;

    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d{1,18})-(\\d{0,18})$");
    private static final Map<String, ThumbnailSize> SIZES = Map.of(
            "150", ThumbnailSize.THUMBNAIL_SIZE_SMALL,
            "480", ThumbnailSize.THUMBNAIL_SIZE_MEDIUM,
            "1080", ThumbnailSize.THUMBNAIL_SIZE_LARGE);

    private final Backends backends;
    private final Authentication authentication;
    private final Json json;
    private final ErrorResponses errors;
    private final Duration transferTimeout;
    private final ObjectStoreTransfers objectStore = new ObjectStoreTransfers();
    private final BulkCopies copies;

    MediaRoutes(
            Backends backends,
            Authentication authentication,
            Json json,
            ErrorResponses errors,
            Duration transferTimeout,
            int copyThreads) {
        this.backends = backends;
        this.authentication = authentication;
        this.json = json;
        this.errors = errors;
        this.transferTimeout = transferTimeout;
        this.copies = new BulkCopies(copyThreads);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/media", authentication.required(this::upload))
                .get("/media/{id}", authentication.required(this::metadata))
                .get("/media/{id}/content", authentication.required(this::content))
                .get("/media/{id}/thumbnail", authentication.required(this::thumbnail));
    }

    private void upload(ServerRequest request, ServerResponse response, Caller caller) throws Exception {
        long length = request.headers().contentLength().orElse(-1);
        // An HTTP client sends no Content-Length for an empty body: both are the same mistake.
        if (length <= 0) {
            throw NovaException.invalidArgument(FieldViolation.of(
                    "Content-Length",
                    "must declare the upload's size, at least 1 byte: the size is checked before the bytes"));
        }
        String type = request.headers()
                .contentType()
                .map(media -> media.mediaType().text().toLowerCase(Locale.ROOT))
                .orElse("");
        UploadMetadata metadata = UploadMetadata.newBuilder()
                .setContentType(type)
                .setSizeBytes(length)
                .setFileName(request.headers().first(FILE_NAME).orElse("upload"))
                .setSha256(request.headers().first(CONTENT_SHA256).orElse("").toLowerCase(Locale.ROOT))
                .build();
        MediaMetadata stored;
        try {
            InputStream body = request.content().inputStream();
            stored = transfer(() -> metadata.getSha256().isEmpty() ? null : putToStore(metadata, body));
            if (stored == null) {
                stored = transfer(() -> send(metadata, body)).getMedia();
            }
        } catch (StatusRuntimeException e) {
            NovaException error = NovaException.from(e);
            if (error.code() == ErrorCode.INVALID_ARGUMENT && violates(error, "metadata.size_bytes")) {
                // The only way an upload over HTTP gets the size wrong: over the limit of its type.
                errors.send(response, request, Status.REQUEST_ENTITY_TOO_LARGE_413, error);
                return;
            }
            throw e;
        }
        json.send(response, Status.CREATED_201, view(stored));
    }

    private void metadata(ServerRequest request, ServerResponse response, Caller caller) {
        MediaMetadata media = backends.media()
                .getMediaMetadata(GetMediaMetadataRequest.newBuilder()
                        .setMediaId(uuid(request, ID))
                        .build())
                .getMedia();
        json.send(response, view(media));
    }

    /**
     * The bytes, read from the object store through the URL media-service gives after its access
     * check ({@code GetDownloadUrl}), and written to the response as they arrive: the bytes pass
     * through the gateway once, instead of through media-service and a gRPC stream too (which cost
     * the machine about as much CPU per byte as the store and the client together; README "Media
     * in ./nova bench"). A media-service without that RPC (UNIMPLEMENTED: older than this gateway)
     * is read through its {@code Download} stream instead.
     */
    private void content(ServerRequest request, ServerResponse response, Caller caller) throws Exception {
        String id = uuid(request, ID);
        Matcher range = request.headers()
                .first(HeaderNames.RANGE)
                .map(value -> RANGE.matcher(value.trim()))
                .filter(Matcher::matches)
                .orElse(null);
        GetDownloadUrlResponse location;
        try {
            location = backends.media()
                    .getDownloadUrl(
                            GetDownloadUrlRequest.newBuilder().setMediaId(id).build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() != io.grpc.Status.Code.UNIMPLEMENTED) {
                throw e;
            }
            streamFromMediaService(id, range, response);
            return;
        }
        Slice slice = slice(location.getMedia(), range, response);
        // Opened before the file's headers are set: a store that is down is a plain 503.
        InputStream stored = objectStore.read(URI.create(location.getUrl()), slice.from(), slice.last());
        headers(response, location.getMedia(), slice, range != null);
        long deadline = System.nanoTime() + transferTimeout.toNanos();
        copies.run(() -> {
            try (stored;
                    OutputStream out = response.outputStream()) {
                byte[] buffer = new byte[ObjectStoreTransfers.COPY_BYTES];
                long remaining = slice.length();
                while (remaining > 0) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new IOException(
                                "the download ran past gateway.media.transfer-timeout (" + transferTimeout + ")");
                    }
                    // Filled before it is written: the store's socket gives what has arrived (often a
                    // few KiB), and each write to the client is a system call with its own cost.
                    int read = stored.readNBytes(buffer, 0, (int) Math.min(buffer.length, remaining));
                    if (read == 0) {
                        throw new IOException("the object store ended the body " + remaining + " bytes early");
                    }
                    out.write(buffer, 0, read);
                    remaining -= read;
                }
            }
            return null;
        });
    }

    /** The bytes wanted of an item: the whole file, or a {@code Range}'s. */
    private record Slice(long from, long last) {
        long length() {
            return last - from + 1;
        }
    }

    /**
     * The part of {@code media} the request wants; a range past the end is OUT_OF_RANGE (416, with
     * the file's size in {@code Content-Range}), one that ends before it starts INVALID_ARGUMENT.
     */
    private static Slice slice(MediaMetadata media, Matcher range, ServerResponse response) {
        long size = media.getSizeBytes();
        long from = range == null ? 0 : Long.parseLong(range.group(1));
        if (range != null && from >= size) {
            response.header(HeaderNames.CONTENT_RANGE, "bytes */" + size);
            throw NovaException.builder(
                            ErrorCode.OUT_OF_RANGE, "the range starts past the end of the file (" + size + " bytes)")
                    .build();
        }
        long last = range == null || range.group(2).isEmpty()
                ? size - 1
                : Math.min(Long.parseLong(range.group(2)), size - 1);
        if (last < from) {
            throw NovaException.invalidArgument(FieldViolation.of("Range", "the range ends before it starts"));
        }
        return new Slice(from, last);
    }

    /** The headers of a response that carries {@code slice} of {@code media}. */
    private static void headers(ServerResponse response, MediaMetadata media, Slice slice, boolean ranged) {
        response.header(HeaderNames.CONTENT_TYPE, media.getContentType());
        response.header(HeaderNames.ACCEPT_RANGES, "bytes");
        response.header(HeaderNames.ETAG, "\"" + media.getSha256() + "\"");
        response.header(HeaderNames.CACHE_CONTROL, "private, max-age=31536000, immutable");
        response.contentLength(slice.length());
        if (ranged) {
            response.status(Status.PARTIAL_CONTENT_206);
            response.header(
                    HeaderNames.CONTENT_RANGE,
                    "bytes " + slice.from() + "-" + slice.last() + "/" + media.getSizeBytes());
        }
    }

    /** The bytes through media-service's {@code Download} stream, chunk by chunk. */
    private void streamFromMediaService(String id, Matcher range, ServerResponse response) throws Exception {
        long from = range == null ? 0 : Long.parseLong(range.group(1));
        Context.CancellableContext call = Context.current().fork().withCancellation();
        try {
            call.call(() -> {
                Iterator<DownloadResponse> messages = backends.mediaDownloads()
                        .withDeadlineAfter(transferTimeout.toMillis(), TimeUnit.MILLISECONDS)
                        .download(DownloadRequest.newBuilder()
                                .setMediaId(id)
                                .setOffset(from)
                                .build());
                MediaMetadata media = messages.next().getMetadata();
                Slice slice = slice(media, range, response);
                headers(response, media, slice, range != null);
                try (OutputStream out = response.outputStream()) {
                    long remaining = slice.length();
                    while (remaining > 0 && messages.hasNext()) {
                        ByteString chunk = messages.next().getChunk();
                        int take = (int) Math.min(chunk.size(), remaining);
                        chunk.substring(0, take).writeTo(out);
                        remaining -= take;
                    }
                }
                return null;
            });
        } finally {
            // Stops the download's stream when the range ended before the file did (or the client left).
            call.cancel(null);
        }
    }

    private void thumbnail(ServerRequest request, ServerResponse response, Caller caller) {
        String size = request.query().first("size").orElse("");
        ThumbnailSize wanted = SIZES.get(size);
        if (wanted == null) {
            throw NovaException.invalidArgument(FieldViolation.of("size", "must be 150, 480 or 1080"));
        }
        try {
            var thumbnail = backends.media()
                    .getThumbnail(GetThumbnailRequest.newBuilder()
                            .setMediaId(uuid(request, ID))
                            .setSize(wanted)
                            .build());
            response.header(HeaderNames.CONTENT_TYPE, thumbnail.getContentType());
            response.header(HeaderNames.CACHE_CONTROL, "private, max-age=31536000, immutable");
            response.send(thumbnail.getData().toByteArray());
        } catch (StatusRuntimeException e) {
            NovaException error = NovaException.from(e);
            if (error.reason().filter("MEDIA_PROCESSING"::equals).isPresent()) {
                errors.send(response, request, Status.CONFLICT_409, error);
                return;
            }
            throw e;
        }
    }

    /**
     * An upload that declared its SHA-256 goes straight to the object store: media-service checks
     * the metadata, quota and rate limit and gives a presigned URL at the file's content address
     * ({@code BeginUpload}), the body is PUT there as it arrives, and media-service checks what was
     * stored and records it ({@code CompleteUpload}). The gateway hashes the body on the way and
     * sends its last bytes only when the SHA-256 is the declared one ({@code caller_checks_sha256}):
     * otherwise the PUT is cut short, the store keeps nothing of it and the address what it held.
     * (Hashing here instead of in the store spares the store's one thread per upload a SHA-256 of
     * every byte, the slowest stage of the path: `./nova bench media`.) The bytes cross the gateway only, not media-service and a gRPC
     * stream too. Null when media-service is older than {@code BeginUpload} (UNIMPLEMENTED): the
     * body is then untouched and goes through {@code Upload}.
     */
    private MediaMetadata putToStore(UploadMetadata metadata, InputStream body) throws Exception {
        BeginUploadResponse begin;
        try {
            begin = backends.media()
                    .beginUpload(BeginUploadRequest.newBuilder()
                            .setMetadata(metadata)
                            .setCallerChecksSha256(true)
                            .build());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == io.grpc.Status.Code.UNIMPLEMENTED) {
                return null;
            }
            throw e;
        }
        long deadline = System.nanoTime() + transferTimeout.toNanos();
        ObjectStoreTransfers.PutOutcome outcome = copies.run(() -> objectStore.put(
                URI.create(begin.getUrl()),
                begin.getHeadersMap(),
                metadata.getSizeBytes(),
                metadata.getSha256(),
                body,
                deadline));
        if (outcome == ObjectStoreTransfers.PutOutcome.WRONG_SHA256) {
            throw NovaException.invalidArgument(FieldViolation.of(
                    "metadata.sha256",
                    "does not match the bytes received: their SHA-256 is another, and nothing was stored"));
        }
        return backends.media()
                .completeUpload(
                        CompleteUploadRequest.newBuilder().setMetadata(metadata).build())
                .getMedia();
    }

    /** Streams the body to media-service and waits for its answer. */
    private UploadResponse send(UploadMetadata metadata, InputStream body) throws Exception {
        Uploader uploader = new Uploader();
        backends.mediaTransfers()
                .withDeadlineAfter(transferTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .withOnReadyThreshold(UPLOAD_AHEAD_BYTES)
                .upload(uploader);
        ClientCallStreamObserver<UploadRequest> requests = uploader.requests;
        requests.onNext(UploadRequest.newBuilder().setMetadata(metadata).build());
        try (body) {
            byte[] buffer = new byte[CHUNK_BYTES];
            int read;
            while ((read = body.readNBytes(buffer, 0, buffer.length)) > 0) {
                if (!uploader.awaitReady()) {
                    break; // media-service answered already (a refusal): the rest of the body is not needed
                }
                requests.onNext(UploadRequest.newBuilder()
                        .setChunk(ByteString.copyFrom(buffer, 0, read))
                        .build());
            }
        } catch (IOException | RuntimeException e) {
            requests.onError(io.grpc.Status.CANCELLED
                    .withDescription("the client's upload broke off")
                    .asRuntimeException());
            throw e;
        }
        if (!uploader.answer.isDone()) {
            requests.onCompleted();
        }
        try {
            return uploader.answer.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }

    /** Runs a transfer outside the request's time budget (see the class comment), keeping the request's context values. */
    private static <T> T transfer(java.util.concurrent.Callable<T> work) throws Exception {
        return Context.current().fork().call(work);
    }

    private static boolean violates(NovaException error, String field) {
        return error.violations().stream()
                .anyMatch(violation -> violation.field().equals(field));
    }

    static Map<String, Object> view(MediaMetadata media) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", media.getId());
        view.put("ownerId", media.getOwnerId());
        view.put("contentType", media.getContentType());
        view.put("size", media.getSizeBytes());
        view.put("sha256", media.getSha256());
        view.put("fileName", media.getFileName());
        view.put("status", media.getStatus().name().replace("MEDIA_STATUS_", ""));
        if (media.getWidth() > 0 && media.getHeight() > 0) {
            view.put("width", media.getWidth());
            view.put("height", media.getHeight());
        }
        if (media.hasDuration()) {
            view.put(
                    "durationMs",
                    media.getDuration().getSeconds() * 1000
                            + media.getDuration().getNanos() / 1_000_000);
        }
        view.put(
                "createdAt",
                java.time.Instant.ofEpochSecond(
                                media.getCreatedAt().getSeconds(),
                                media.getCreatedAt().getNanos())
                        .toString());
        return view;
    }

    /** The upload's half of the call: waits for the stream's readiness, keeps media-service's answer. */
    private static final class Uploader implements ClientResponseObserver<UploadRequest, UploadResponse> {
        private static final long RECHECK_NANOS = TimeUnit.SECONDS.toNanos(1);
        final CompletableFuture<UploadResponse> answer = new CompletableFuture<>();
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition changed = lock.newCondition();
        ClientCallStreamObserver<UploadRequest> requests;

        @Override
        public void beforeStart(ClientCallStreamObserver<UploadRequest> requestStream) {
            this.requests = requestStream;
            requestStream.setOnReadyHandler(this::signal);
        }

        @Override
        public void onNext(UploadResponse value) {
            answer.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            answer.completeExceptionally(t);
            signal();
        }

        @Override
        public void onCompleted() {
            signal();
        }

        /** True once the stream takes another message; false when the call is over. */
        boolean awaitReady() throws InterruptedException {
            lock.lock();
            try {
                // Woken by the stream's readiness or the answer; a signal lost between the check and
                // the wait costs at most a second, after which both are checked again.
                long left = RECHECK_NANOS;
                while (!requests.isReady() && !answer.isDone()) {
                    left = changed.awaitNanos(left);
                    if (left <= 0) {
                        left = RECHECK_NANOS;
                    }
                }
                return !answer.isDone();
            } finally {
                lock.unlock();
            }
        }

        private void signal() {
            lock.lock();
            try {
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }
}
