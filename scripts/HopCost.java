import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthGrpc;

/**
 * What one hop costs on this machine, for scripts/hop-cost.sh: run inside a service container of
 * the {@code ./nova up} stack (its libraries on the class path), from a virtual thread as the
 * services call. Each hop is timed back to back and with an idle gap before every call, rounds
 * alternated: a Redis {@code PING} on one socket (one process woken each way), and a gRPC
 * {@code grpc.health.v1.Health/Check} on one channel to each gRPC target (grpc-java's Netty client,
 * as nova-rpc's; nothing behind the call): a service's port (Helidon's gRPC server, as every
 * service's) and, when given, {@link BareGrpcServer} (grpc-java's own server) beside it. Prints
 * p50, p90 and p99 of each: {@code java -cp "HopCost-dir:/app/libs/*" HopCost REDIS_HOST
 * GRPC_HOST:PORT[,GRPC_HOST:PORT...] SAMPLES GAP_MS ROUNDS}.
 */
public final class HopCost {
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: HopCost REDIS_HOST GRPC_HOST:PORT[,GRPC_HOST:PORT...] SAMPLES GAP_MS ROUNDS");
            System.exit(2);
        }
        String redis = args[0];
        List<String> grpc = List.of(args[1].split(","));
        int samples = Integer.parseInt(args[2]);
        int gapMillis = Integer.parseInt(args[3]);
        int rounds = Integer.parseInt(args[4]);
        Thread probe = Thread.ofVirtual().unstarted(() -> {
            try {
                run(redis, grpc, samples, gapMillis, rounds);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        probe.start();
        probe.join();
    }

    private static void run(String redis, List<String> grpc, int samples, int gapMillis, int rounds)
            throws Exception {
        Map<String, ManagedChannel> channels = new LinkedHashMap<>();
        grpc.forEach(target -> channels.put(target, ManagedChannelBuilder.forTarget(target).usePlaintext().build()));
        try (Socket socket = new Socket(redis, 6379)) {
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            Hop redisPing = () -> {
                out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] answer = new byte[7];
                int read = 0;
                while (read < answer.length) {
                    int n = in.read(answer, read, answer.length - read);
                    if (n < 0) {
                        throw new IllegalStateException("Redis closed the connection");
                    }
                    read += n;
                }
            };
            Map<String, Hop> healthChecks = new LinkedHashMap<>();
            channels.forEach((target, channel) -> {
                HealthGrpc.HealthBlockingStub health = HealthGrpc.newBlockingStub(channel);
                healthChecks.put(target, () -> health.withDeadlineAfter(5, TimeUnit.SECONDS)
                        .check(HealthCheckRequest.getDefaultInstance()));
            });
            // warm-up: the JIT and the connections
            time(redisPing, 2_000, 0);
            for (Hop healthCheck : healthChecks.values()) {
                time(healthCheck, 2_000, 0);
            }
            for (int round = 1; round <= rounds; round++) {
                for (int gap : new int[] {0, gapMillis}) {
                    print("Redis PING", round, gap, time(redisPing, samples, gap));
                    for (Map.Entry<String, Hop> healthCheck : healthChecks.entrySet()) {
                        print("gRPC Health/Check " + healthCheck.getKey(), round, gap, time(healthCheck.getValue(), samples, gap));
                    }
                }
            }
        } finally {
            channels.values().forEach(ManagedChannel::shutdownNow);
        }
    }

    private interface Hop {
        void call() throws Exception;
    }

    private static long[] time(Hop hop, int samples, int gapMillis) throws Exception {
        long[] nanos = new long[samples];
        for (int i = 0; i < samples; i++) {
            if (gapMillis > 0) {
                Thread.sleep(gapMillis);
            }
            long start = System.nanoTime();
            hop.call();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static void print(String hop, int round, int gapMillis, long[] sorted) {
        System.out.printf(
                "round %d  %-44s %-13s p50 %6.3f ms  p90 %6.3f ms  p99 %6.3f ms  (%d calls)%n",
                round,
                hop,
                gapMillis == 0 ? "back to back" : gapMillis + " ms apart",
                at(sorted, 0.50),
                at(sorted, 0.90),
                at(sorted, 0.99),
                sorted.length);
    }

    /** The exact percentile of sorted samples (nearest rank), in milliseconds. */
    private static double at(long[] sorted, double quantile) {
        int rank = (int) Math.ceil(quantile * sorted.length);
        return sorted[Math.max(0, rank - 1)] / 1e6;
    }
}
