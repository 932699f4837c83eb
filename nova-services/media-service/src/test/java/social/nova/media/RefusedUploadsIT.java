package social.nova.media;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import org.junit.jupiter.api.Test;
import social.nova.contracts.media.v1.MediaMetadata;
import social.nova.errors.ErrorCode;
import social.nova.kit.RunningService;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.testing.GrpcErrors.failure;

/**
 * Refused uploads must not wear out the connection they came on. The gateway sends every upload
 * to media-service over one HTTP/2 connection, and its clients send their bytes without waiting
 * for a verdict. When media-service closed a refused call while the client still sent, Helidon's
 * connection lost flow-control window each time: after about a dozen refusals no call on that
 * connection could send a byte (this test hung at its last upload). A refused upload is now read
 * to its end and answered then.
 */
class RefusedUploadsIT {
    @Test
    void twentyRefusedUploadsOnOneConnectionLeaveItWorking() throws Exception {
        RunningService media = Platform.startMedia(Map.of("media.limits.quota-bytes", "1000000"));
        ManagedChannel channel = Platform.channelTo(media);
        try {
            Platform.User dan = Platform.shared().user();
            byte[] first = Files.mp4Like(600_000, 4);
            Transfers.upload(
                    Platform.asyncAs(channel, dan),
                    Transfers.metadata("video/mp4", first, "1.mp4"),
                    first,
                    Transfers.CHUNK);
            for (int i = 0; i < 20; i++) {
                byte[] over = Files.mp4Like(600_000, 100 + i);
                assertThat(failure(() -> Transfers.upload(
                                        Platform.asyncAs(channel, dan),
                                        Transfers.metadata("video/mp4", over, "over.mp4"),
                                        over,
                                        Transfers.CHUNK))
                                .code())
                        .as("refusal %d", i)
                        .isEqualTo(ErrorCode.RESOURCE_EXHAUSTED);
            }

            // The same bytes again fit (they are stored already), on the same connection.
            MediaMetadata again = Transfers.upload(
                    Platform.asyncAs(channel, dan),
                    Transfers.metadata("video/mp4", first, "again.mp4").toBuilder()
                            .setSha256(Files.sha256(first))
                            .build(),
                    first,
                    Transfers.CHUNK);
            assertThat(again.getSizeBytes()).isEqualTo(first.length);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            media.stop();
        }
    }
}
