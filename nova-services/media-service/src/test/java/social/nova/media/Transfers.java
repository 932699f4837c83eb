package social.nova.media;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import social.nova.contracts.media.v1.DownloadRequest;
import social.nova.contracts.media.v1.DownloadResponse;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.contracts.media.v1.MediaServiceGrpc;
import social.nova.contracts.media.v1.UploadMetadata;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.contracts.media.v1.UploadResponse;

/** Uploads and downloads as a client makes them: metadata, then chunks. */
final class Transfers {
    static final int CHUNK = 256 * 1024;

    private Transfers() {}

    static UploadMetadata metadata(String contentType, byte[] bytes, String fileName) {
        return UploadMetadata.newBuilder()
                .setContentType(contentType)
                .setSizeBytes(bytes.length)
                .setFileName(fileName)
                .build();
    }

    /** Uploads {@code bytes} after {@code metadata} in chunks of {@code chunk} bytes; the answer, or the call's error thrown. */
    static MediaMetadata upload(
            MediaServiceGrpc.MediaServiceStub stub, UploadMetadata metadata, byte[] bytes, int chunk) {
        CompletableFuture<UploadResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = stub.upload(observer(answer));
        requests.onNext(UploadRequest.newBuilder().setMetadata(metadata).build());
        for (int offset = 0; offset < bytes.length && !answer.isDone(); offset += chunk) {
            requests.onNext(UploadRequest.newBuilder()
                    .setChunk(ByteString.copyFrom(bytes, offset, Math.min(chunk, bytes.length - offset)))
                    .build());
        }
        requests.onCompleted();
        return await(answer).getMedia();
    }

    /** Sends raw messages as given, then half-closes; the answer or the call's error thrown. */
    static MediaMetadata uploadMessages(MediaServiceGrpc.MediaServiceStub stub, UploadRequest... messages) {
        CompletableFuture<UploadResponse> answer = new CompletableFuture<>();
        StreamObserver<UploadRequest> requests = stub.upload(observer(answer));
        for (UploadRequest message : messages) {
            requests.onNext(message);
        }
        requests.onCompleted();
        return await(answer).getMedia();
    }

    static StreamObserver<UploadResponse> observer(CompletableFuture<UploadResponse> answer) {
        return new StreamObserver<>() {
            @Override
            public void onNext(UploadResponse value) {
                answer.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                answer.complete(answer.getNow(null));
            }
        };
    }

    static <T> T await(CompletableFuture<T> answer) {
        try {
            return answer.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                throw status;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no answer in 60 s; the threads then: " + dumpThreads(), e);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every thread's stack, virtual ones too (the service runs in this JVM), into target/; its path. */
    static String dumpThreads() {
        try {
            java.nio.file.Path file = java.nio.file.Path.of("target", "threads-" + System.currentTimeMillis() + ".txt")
                    .toAbsolutePath();
            java.lang.management.ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class)
                    .dumpThreads(
                            file.toString(), com.sun.management.HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
            return file.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return "(no thread dump: " + e + ")";
        }
    }

    /** A whole download from {@code offset}: its metadata message and the bytes after it. */
    record Download(MediaMetadata metadata, byte[] bytes, int chunks) {}

    static Download download(MediaServiceGrpc.MediaServiceBlockingStub stub, String mediaId, long offset) {
        Iterator<DownloadResponse> messages = stub.download(DownloadRequest.newBuilder()
                .setMediaId(mediaId)
                .setOffset(offset)
                .build());
        DownloadResponse first = messages.next();
        if (!first.hasMetadata()) {
            throw new AssertionError("the first message of a download must be its metadata, was " + first);
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int chunks = 0;
        while (messages.hasNext()) {
            DownloadResponse message = messages.next();
            if (!message.hasChunk() || message.getChunk().size() > 1024 * 1024) {
                throw new AssertionError("every message after the first must be a chunk of at most 1 MiB");
            }
            bytes.writeBytes(message.getChunk().toByteArray());
            chunks++;
        }
        return new Download(first.getMetadata(), bytes.toByteArray(), chunks);
    }

    /** PUTs {@code bytes} to a BeginUpload answer's URL with its headers, as the gateway does; the HTTP status and body. */
    static java.util.Map.Entry<Integer, String> put(
            social.nova.contracts.media.v1.BeginUploadResponse begin, byte[] bytes) throws java.io.IOException {
        var connection = (java.net.HttpURLConnection)
                java.net.URI.create(begin.getUrl()).toURL().openConnection(java.net.Proxy.NO_PROXY);
        connection.setRequestMethod("PUT");
        connection.setDoOutput(true);
        connection.setFixedLengthStreamingMode(bytes.length);
        begin.getHeadersMap().forEach(connection::setRequestProperty);
        try (var out = connection.getOutputStream()) {
            out.write(bytes);
        }
        int status = connection.getResponseCode();
        try (var body = status < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return java.util.Map.entry(
                    status,
                    body == null ? "" : new String(body.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
    /**
     * PUTs all of {@code bytes} but the last one to BeginUpload's URL and then resets the
     * connection, as a caller that found their SHA-256 wrong does.
     */
    static void cutShort(social.nova.contracts.media.v1.BeginUploadResponse begin, byte[] bytes)
            throws java.io.IOException {
        java.net.URI url = java.net.URI.create(begin.getUrl());
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort())) {
            StringBuilder head = new StringBuilder(
                            "PUT " + url.getRawPath() + "?" + url.getRawQuery() + " HTTP/1.1\r\n")
                    .append("Host: ")
                    .append(url.getHost())
                    .append(':')
                    .append(url.getPort())
                    .append("\r\n")
                    .append("Content-Length: ")
                    .append(bytes.length)
                    .append("\r\n");
            begin.getHeadersMap()
                    .forEach((name, value) ->
                            head.append(name).append(": ").append(value).append("\r\n"));
            var out = socket.getOutputStream();
            out.write(head.append("\r\n").toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(bytes, 0, bytes.length - 1);
            out.flush();
            socket.setSoLinger(true, 0); // closed with a reset, as a dropped connection
        }
    }
}
