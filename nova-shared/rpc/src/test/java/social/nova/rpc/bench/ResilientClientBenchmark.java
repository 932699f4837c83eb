package social.nova.rpc.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import social.nova.discovery.ServiceInstance;
import social.nova.discovery.StaticServiceDirectory;
import social.nova.rpc.CallContext;
import social.nova.rpc.EchoService;
import social.nova.rpc.NovaClients;
import social.nova.rpc.RpcSettings;

/**
 * What the resilient client costs per call: the same unary call to the same loopback netty server,
 * once through {@link NovaClients} (consul:/// resolver over a StaticServiceDirectory, round_robin,
 * metrics, propagation, default deadline, retry, bulkhead, circuit breaker) and once on a plain
 * grpc-java netty channel to the fixed address. Both run inside a Context carrying a request id,
 * caller and token, as a call made by a service handler would. The method is idempotent, so the
 * retry wrapper is on the path. Run with {@code -Pbench} (see the module README).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ResilientClientBenchmark {
    private static final String TARGET = "bench-service";
    private static final String REQUEST = "ping";

    private Server server;
    private ManagedChannel plain;
    private NovaClients clients;
    private Channel resilient;
    private Context inboundCall;

    @Setup(Level.Trial)
    public void start() throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.GET, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext(request);
                    response.onCompleted();
                }))
                .build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(echo)
                .build()
                .start();

        plain = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();

        StaticServiceDirectory directory = new StaticServiceDirectory();
        directory.set(
                TARGET,
                List.of(new ServiceInstance("bench-1", TARGET, "127.0.0.1", server.getPort(), List.of(), Map.of())));
        clients = NovaClients.create(RpcSettings.DEFAULTS, directory, new SimpleMeterRegistry());
        resilient = clients.channel(TARGET);

        inboundCall = Context.ROOT.withValues(
                CallContext.REQUEST_ID, "9f4c1f1e-bench",
                CallContext.CALLER_ID, "user-42",
                CallContext.AUTHORIZATION, "Bearer eyJhbGciOiJFZERTQSJ9.bench.sig");
    }

    @TearDown(Level.Trial)
    public void stop() throws InterruptedException {
        clients.close();
        plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Benchmark
    public String plainChannel() {
        return callIn(plain);
    }

    /**
     * The plain channel with the 5 s deadline the resilient client gives every call by default:
     * separates what deadlines cost (timers on client and server) from what the resilience adds.
     */
    @Benchmark
    public String plainChannelWithDeadline() {
        return callIn(plain, CallOptions.DEFAULT.withDeadlineAfter(5, TimeUnit.SECONDS));
    }

    @Benchmark
    public String resilientClient() {
        return callIn(resilient);
    }

    private String callIn(Channel channel) {
        return callIn(channel, CallOptions.DEFAULT);
    }

    private String callIn(Channel channel, CallOptions options) {
        Context previous = inboundCall.attach();
        try {
            return ClientCalls.blockingUnaryCall(channel, EchoService.GET, options, REQUEST);
        } finally {
            inboundCall.detach(previous);
        }
    }
}
