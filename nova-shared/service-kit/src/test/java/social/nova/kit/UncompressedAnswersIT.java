package social.nova.kit;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.CallOptions;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's gRPC answers go out uncompressed, though grpc-java clients announce gzip
 * ({@code grpc-accept-encoding}) on every call. Helidon 4.5.0 gzipped every message for them and
 * ignored a handler's {@code setMessageCompression(false)}: media-service's 1 MiB download chunks,
 * which do not compress, took about 25 ms each to gzip, and its downloads to the gateway ran at
 * 20-44 MiB/s instead of over 110 ({@link Traffic#GRPC_COMPRESSION}).
 */
class UncompressedAnswersIT {
    private static final Metadata.Key<String> GRPC_ENCODING =
            Metadata.Key.of("grpc-encoding", Metadata.ASCII_STRING_MARSHALLER);

    private final KitFixture service = KitFixture.shared();

    @Test
    void aGrpcJavaClientThatAcceptsGzipGetsItsAnswerUncompressed() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.port)
                .usePlaintext()
                .build();
        try {
            AtomicReference<Metadata> headers = new AtomicReference<>();
            AtomicReference<Metadata> trailers = new AtomicReference<>();
            String answer = ClientCalls.blockingUnaryCall(
                    ClientInterceptors.intercept(
                            channel, MetadataUtils.newCaptureMetadataInterceptor(headers, trailers)),
                    ProbeService.SLOW,
                    CallOptions.DEFAULT,
                    "0");

            assertThat(answer).isEqualTo("done");
            String encoding = headers.get().get(GRPC_ENCODING);
            assertThat(encoding == null || encoding.equals("identity"))
                    .as("grpc-encoding of the answer: %s", encoding)
                    .isTrue();
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
