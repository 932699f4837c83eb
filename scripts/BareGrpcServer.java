import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

/**
 * A bare gRPC server for scripts/hop-cost.sh: grpc-java's own Netty server, handlers on virtual
 * threads, serving {@code grpc.health.v1.Health/Check} and nothing else. It runs next to a
 * service in that service's container, so that the same client times the same call against
 * Helidon's gRPC server (the service's port) and against this one: if a gRPC hop's cost were
 * Helidon's, the two would differ. {@code java -cp "dir:/app/libs/*" BareGrpcServer PORT
 * LIFETIME_SECONDS PID_FILE}: it stops by itself after its lifetime, and writes its pid for an
 * earlier stop.
 */
public final class BareGrpcServer {
    private BareGrpcServer() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 3) {
            System.err.println("usage: BareGrpcServer PORT LIFETIME_SECONDS PID_FILE");
            System.exit(2);
        }
        Server server = NettyServerBuilder.forPort(Integer.parseInt(args[0]))
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .addService(new HealthGrpc.HealthImplBase() {
                    @Override
                    public void check(HealthCheckRequest request, StreamObserver<HealthCheckResponse> response) {
                        response.onNext(HealthCheckResponse.newBuilder()
                                .setStatus(HealthCheckResponse.ServingStatus.SERVING)
                                .build());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        Files.writeString(
                Path.of(args[2]), Long.toString(ProcessHandle.current().pid()), StandardCharsets.US_ASCII);
        System.out.println("bare grpc-java server on port " + server.getPort());
        if (!server.awaitTermination(Long.parseLong(args[1]), TimeUnit.SECONDS)) {
            server.shutdownNow();
        }
    }
}
