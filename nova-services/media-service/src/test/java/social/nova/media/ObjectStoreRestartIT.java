package social.nova.media;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import social.nova.contracts.media.v1.UploadRequest;
import social.nova.contracts.media.v1.UploadResponse;
import social.nova.kit.RunningService;
import social.nova.testing.ObjectStoreContainer;
import social.nova.testing.PlatformImages;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/**
 * Issue 12's fault: the object store restarts in the middle of uploads, one that declared its
 * SHA-256 (its multipart upload is at its content address) and one that did not (under
 * {@code staging/}). Each ends with a status the client may retry (UNAVAILABLE), and nothing is
 * left behind: no row, and once the store is back, no multipart upload and no object (the aborts
 * that failed while the store was down are made up by {@link UploadSweeper}). A store of its own,
 * on a fixed host port so that the service finds it again after the restart.
 */
class ObjectStoreRestartIT {
    private static final String BUCKET = "nova-media-restart";

    @Test
    void uploadsCutByAStoreRestartAreRetryableAndLeaveNoOrphan() throws Exception {
        int port = freePort();
        try (ObjectStoreContainer store = new ObjectStoreContainer(PlatformImages.OBJECT_STORE.image())
                .withCreateContainerCmdModifier(create -> create.withHostConfig(HostConfig.newHostConfig()
                        .withPortBindings(new PortBinding(
                                Ports.Binding.bindPort(port), ExposedPort.tcp(ObjectStoreContainer.S3_PORT)))))) {
            store.start();
            RunningService media = Platform.startMedia(Map.of(
                    "media.storage.endpoint", "http://127.0.0.1:" + port,
                    "media.storage.bucket", BUCKET,
                    "media.storage.timeout", "PT2S",
                    "media.sweep.interval", "PT1S",
                    // Older than this is abandoned: the cut upload is, some time after the store is
                    // back; long enough that a slow machine's live upload is never swept under it.
                    "media.sweep.stale-after", "PT30S"));
            ManagedChannel channel = Platform.channelTo(media);
            try (S3Client s3 = store.newClient()) {
                Platform.User user = Platform.shared().user();
                byte[] staged = Files.mp4Like(8 * 1024 * 1024, 11);
                byte[] direct = Files.mp4Like(8 * 1024 * 1024, 12);
                List<CompletableFuture<UploadResponse>> answers = new java.util.ArrayList<>();
                List<StreamObserver<UploadRequest>> uploads = new java.util.ArrayList<>();
                for (byte[] video : List.of(staged, direct)) {
                    CompletableFuture<UploadResponse> answer = new CompletableFuture<>();
                    StreamObserver<UploadRequest> requests =
                            Platform.asyncAs(channel, user).upload(Transfers.observer(answer));
                    var metadata = Transfers.metadata("video/mp4", video, "cut.mp4");
                    if (video == direct) {
                        metadata = metadata.toBuilder()
                                .setSha256(Files.sha256(video))
                                .build();
                    }
                    requests.onNext(
                            UploadRequest.newBuilder().setMetadata(metadata).build());
                    for (int i = 0; i < 6; i++) {
                        requests.onNext(chunk(Arrays.copyOfRange(video, i * 1024 * 1024, (i + 1) * 1024 * 1024)));
                    }
                    answers.add(answer);
                    uploads.add(requests);
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> pending(s3).size() == 2);
                // The declared one is a multipart upload at its content address, the other is staged.
                assertThat(pending(s3))
                        .extracting(MultipartUpload::key)
                        .anySatisfy(
                                key -> assertThat(key).isEqualTo("objects/" + user.id() + "/" + Files.sha256(direct)))
                        .anySatisfy(key -> assertThat(key).startsWith("staging/"));

                var docker = DockerClientFactory.instance().client();
                docker.stopContainerCmd(store.getContainerId()).withTimeout(0).exec();
                for (int upload = 0; upload < 2; upload++) {
                    byte[] video = upload == 0 ? staged : direct;
                    for (int i = 6; i < 8; i++) {
                        uploads.get(upload)
                                .onNext(chunk(Arrays.copyOfRange(video, i * 1024 * 1024, (i + 1) * 1024 * 1024)));
                    }
                    uploads.get(upload).onCompleted();
                }
                for (CompletableFuture<UploadResponse> answer : answers) {
                    StatusRuntimeException cut =
                            catchThrowableOfType(StatusRuntimeException.class, () -> Transfers.await(answer));
                    assertThat(cut.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(cut.getStatus().getDescription()).contains("retry");
                }

                docker.startContainerCmd(store.getContainerId()).exec();
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> ObjectStoreContainer.healthy(store.endpoint(), Duration.ofSeconds(1)));
                // The parts stored before the restart are still there until the sweeper aborts them.
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    assertThat(pending(s3)).isEmpty();
                    assertThat(s3.listObjectsV2(request -> request.bucket(BUCKET))
                                    .contents())
                            .isEmpty();
                });
                long rows = Platform.admin()
                        .withHandle(handle -> handle.createQuery(
                                        "SELECT count(*) FROM media.media WHERE owner_id = CAST(:owner AS uuid)")
                                .bind("owner", user.id())
                                .mapTo(Long.class)
                                .one());
                assertThat(rows).isZero();
            } finally {
                channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
                media.stop();
            }
        }
    }

    private static List<MultipartUpload> pending(S3Client s3) {
        return s3.listMultipartUploads(request -> request.bucket(BUCKET)).uploads();
    }

    private static UploadRequest chunk(byte[] bytes) {
        return UploadRequest.newBuilder().setChunk(ByteString.copyFrom(bytes)).build();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
