package social.nova.media;

import java.io.InputStream;
import java.util.List;

import social.nova.errors.NovaException;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The object store, through the AWS SDK's S3 client: any S3-compatible server, path-style. Every
 * failure to reach it, or a 5xx from it, becomes UNAVAILABLE ("retry"), which is what it is to the
 * caller; the SDK's own retries are off, so a call fails within {@link MediaSettings.Storage#timeout}
 * and the caller (or nova-rpc) decides.
 */
final class ObjectStore implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ObjectStore.class.getName());

    private final S3Client s3;
    private final S3Presigner presigner;
    private final String bucket;

    ObjectStore(MediaSettings.Storage settings) {
        var builder = S3Client.builder()
                .httpClientBuilder(ApacheHttpClient.builder()
                        .connectionTimeout(settings.timeout())
                        .socketTimeout(settings.timeout()))
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .forcePathStyle(true)
                // Since 2.30 the SDK adds CRC32 trailers (aws-chunked bodies) to every upload by
                // default, which not every S3-compatible server takes (S3Proxy 4.1 does): SigV4
                // signs each part's SHA-256, and media-service checks the whole file's SHA-256.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(config -> config.retryStrategy(retry -> retry.maxAttempts(1)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(settings.endpoint());
        }
        this.s3 = builder.build();
        var presigner = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKey(), settings.secretKey())))
                .serviceConfiguration(
                        S3Configuration.builder().pathStyleAccessEnabled(true).build());
        if (settings.endpoint() != null) {
            presigner.endpointOverride(settings.endpoint());
        }
        this.presigner = presigner.build();
        this.bucket = settings.bucket();
    }

    /** Creates the bucket if it does not exist (development and test stores). */
    void ensureBucket() {
        call(() -> {
            try {
                s3.headBucket(request -> request.bucket(bucket));
            } catch (S3Exception missing) {
                if (missing.statusCode() != 404) {
                    throw missing;
                }
                s3.createBucket(request -> request.bucket(bucket));
                LOG.log(System.Logger.Level.INFO, "created bucket {0}", bucket);
            }
            return null;
        });
    }

    String startMultipart(String key, String contentType) {
        return call(() -> s3.createMultipartUpload(
                        request -> request.bucket(bucket).key(key).contentType(contentType))
                .uploadId());
    }

    CompletedPart uploadPart(String key, String uploadId, int partNumber, byte[] bytes, int length) {
        return call(() -> {
            String etag = s3.uploadPart(
                            request -> request.bucket(bucket)
                                    .key(key)
                                    .uploadId(uploadId)
                                    .partNumber(partNumber)
                                    .contentLength((long) length),
                            // Read from the part's buffer as it is sent: RequestBody.fromBytes would copy
                            // each 5 MiB part, garbage that pushed the small heap into full collections.
                            RequestBody.fromContentProvider(
                                    () -> new java.io.ByteArrayInputStream(bytes, 0, length),
                                    length,
                                    "application/octet-stream"))
                    .eTag();
            return CompletedPart.builder().partNumber(partNumber).eTag(etag).build();
        });
    }

    void completeMultipart(String key, String uploadId, List<CompletedPart> parts) {
        call(() -> s3.completeMultipartUpload(request -> request.bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .multipartUpload(CompletedMultipartUpload.builder().parts(parts).build())));
    }

    /** Drops an unfinished multipart upload and its parts; never throws (a clean-up path). */
    void abortMultipart(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(request -> request.bucket(bucket).key(key).uploadId(uploadId));
        } catch (SdkException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "could not abort multipart upload {0} of {1}: {2}",
                    uploadId,
                    key,
                    e.getMessage());
        }
    }

    boolean exists(String key) {
        return size(key).isPresent();
    }

    void copy(String from, String to) {
        call(() -> s3.copyObject(request -> request.sourceBucket(bucket)
                .sourceKey(from)
                .destinationBucket(bucket)
                .destinationKey(to)));
    }

    /** Deletes an object; never throws (a clean-up path). */
    void deleteQuietly(String key) {
        try {
            s3.deleteObject(request -> request.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.log(System.Logger.Level.WARNING, "could not delete {0}: {1}", key, e.getMessage());
        }
    }

    /** A multipart upload not completed or aborted yet ({@code initiated} null when the store does not say). */
    record Pending(String key, String uploadId, java.time.Instant initiated) {}

    /** An object's key and when it was last written. */
    record Stored(String key, java.time.Instant lastModified) {}

    /** The unfinished multipart uploads of keys under {@code prefix} (every page). */
    List<Pending> pendingUploads(String prefix) {
        return call(() -> {
            List<Pending> pending = new java.util.ArrayList<>();
            String keyMarker = null;
            String uploadIdMarker = null;
            while (true) {
                String key = keyMarker;
                String id = uploadIdMarker;
                var page = s3.listMultipartUploads(request ->
                        request.bucket(bucket).prefix(prefix).keyMarker(key).uploadIdMarker(id));
                page.uploads()
                        .forEach(upload ->
                                pending.add(new Pending(upload.key(), upload.uploadId(), upload.initiated())));
                if (!Boolean.TRUE.equals(page.isTruncated())) {
                    return pending;
                }
                keyMarker = page.nextKeyMarker();
                uploadIdMarker = page.nextUploadIdMarker();
            }
        });
    }

    /** The objects under {@code prefix} (every page). */
    List<Stored> list(String prefix) {
        return call(() ->
                s3.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(prefix)).contents().stream()
                        .map(object -> new Stored(object.key(), object.lastModified()))
                        .toList());
    }

    /** The object's bytes from {@code offset} on, streamed; the caller closes the stream. */
    InputStream read(String key, long offset) {
        return call(() -> s3.getObject(
                request -> {
                    request.bucket(bucket).key(key);
                    if (offset > 0) {
                        request.range("bytes=" + offset + "-");
                    }
                },
                ResponseTransformer.toInputStream()));
    }

    /** All of a small object's bytes (a thumbnail, an image being processed); longer than {@code maxBytes} is an error. */
    byte[] readAll(String key, int maxBytes) {
        try (InputStream in = read(key, 0)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IllegalStateException(key + " holds more than " + maxBytes + " bytes");
            }
            return bytes;
        } catch (java.io.IOException e) {
            throw NovaException.unavailable("object storage stopped answering; retry", java.time.Duration.ofSeconds(1))
                    .toBuilder()
                    .cause(e)
                    .build();
        }
    }

    void put(String key, byte[] bytes, String contentType) {
        call(() -> s3.putObject(
                request -> request.bucket(bucket).key(key).contentType(contentType), RequestBody.fromBytes(bytes)));
    }

    /** A URL that reads the object for {@code validity} without credentials (for ffmpeg: range requests, no copy). */
    java.net.URI presignedGet(String key, java.time.Duration validity) {
        try {
            return presigner
                    .presignGetObject(request -> request.signatureDuration(validity)
                            .getObjectRequest(get -> get.bucket(bucket).key(key)))
                    .url()
                    .toURI();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    /** A presigned PUT: its URL, the headers it must carry as given, and when it stops being accepted. */
    record PresignedPut(java.net.URI url, java.util.Map<String, String> headers, java.time.Instant expiresAt) {}

    /**
     * A URL that stores {@code size} bytes of {@code contentType} at {@code key} with one PUT for
     * {@code validity}, without credentials; the store refuses bytes whose SHA-256 is not
     * {@code sha256Hex} (S3's {@code x-amz-checksum-sha256}, BadDigest) and keeps what the key held.
     * A null {@code sha256Hex} leaves that check to the caller.
     */
    PresignedPut presignedPut(
            String key, String contentType, long size, String sha256Hex, java.time.Duration validity) {
        String checksum = sha256Hex == null
                ? null
                : java.util.Base64.getEncoder()
                        .encodeToString(java.util.HexFormat.of().parseHex(sha256Hex));
        var presigned = presigner.presignPutObject(request -> request.signatureDuration(validity)
                .putObjectRequest(put -> put.bucket(bucket)
                        .key(key)
                        .contentType(contentType)
                        .contentLength(size)
                        .checksumSHA256(checksum)));
        java.util.Map<String, String> headers = new java.util.TreeMap<>();
        presigned.signedHeaders().forEach((name, values) -> {
            // The caller's HTTP client sets these two itself.
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-length")) {
                headers.put(name, String.join(",", values));
            }
        });
        try {
            return new PresignedPut(presigned.url().toURI(), headers, presigned.expiration());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException("the SDK presigned an invalid URL", e);
        }
    }

    /** The size of the object at {@code key}, if there is one. */
    java.util.Optional<Long> size(String key) {
        return call(() -> {
            try {
                return java.util.Optional.of(
                        s3.headObject(request -> request.bucket(bucket).key(key))
                                .contentLength());
            } catch (NoSuchKeyException missing) {
                return java.util.Optional.<Long>empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return java.util.Optional.<Long>empty();
                }
                throw e;
            }
        });
    }

    /** An object's size and its first bytes. */
    record Start(long size, byte[] bytes) {}

    /**
     * The size of the object at {@code key} and its first {@code length} bytes (fewer when it is
     * shorter), in one ranged GET (the size from its {@code Content-Range}), if there is one.
     */
    java.util.Optional<Start> start(String key, int length) {
        return call(() -> {
            try (var body =
                    s3.getObject(request -> request.bucket(bucket).key(key).range("bytes=0-" + (length - 1)))) {
                byte[] bytes = body.readNBytes(length);
                String range = body.response().contentRange();
                long size;
                if (range != null && range.lastIndexOf('/') > 0) {
                    size = Long.parseLong(
                            range.substring(range.lastIndexOf('/') + 1).trim());
                } else {
                    // A store that ignored the range answered the whole object: its length is the size.
                    size = body.response().contentLength();
                }
                if (size > bytes.length) {
                    body.abort(); // not read to its end: the connection is not reused
                }
                return java.util.Optional.of(new Start(size, bytes));
            } catch (NoSuchKeyException missing) {
                return java.util.Optional.<Start>empty();
            } catch (S3Exception e) {
                if (e.statusCode() == 404) {
                    return java.util.Optional.<Start>empty();
                }
                if (e.statusCode() == 416) { // an empty object has no byte 0
                    return java.util.Optional.of(new Start(0, new byte[0]));
                }
                throw e;
            } catch (java.io.IOException e) {
                throw SdkClientException.create("the object store broke off the read of " + key, e);
            }
        });
    }

    private interface StoreCall<T> {
        T run();
    }

    private static <T> T call(StoreCall<T> call) {
        try {
            return call.run();
        } catch (SdkClientException unreachable) {
            throw NovaException.unavailable("object storage is unavailable; retry", java.time.Duration.ofSeconds(1))
                    .toBuilder()
                    .cause(unreachable)
                    .build();
        } catch (S3Exception e) {
            if ("NoSuchUpload"
                    .equals(
                            e.awsErrorDetails() == null
                                    ? null
                                    : e.awsErrorDetails().errorCode())) {
                throw NovaException.builder(
                                social.nova.errors.ErrorCode.ABORTED,
                                "the upload was abandoned by the store (too old, or aborted); start it again")
                        .cause(e)
                        .build();
            }
            if (e.statusCode() >= 500) {
                throw NovaException.unavailable("object storage is unavailable; retry", java.time.Duration.ofSeconds(1))
                        .toBuilder()
                        .cause(e)
                        .build();
            }
            throw e;
        }
    }

    @Override
    public void close() {
        presigner.close();
        s3.close();
    }
}
