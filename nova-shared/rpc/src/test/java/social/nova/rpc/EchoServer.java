package social.nova.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Deadline;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ServerCalls;
import social.nova.discovery.ServiceInstance;

/**
 * A real (loopback netty) server of {@link EchoService} whose answers a test scripts: it counts
 * calls and records the headers and deadline of the last one.
 */
final class EchoServer implements AutoCloseable {
    static final Context.Key<Metadata> HEADERS = Context.key("test-headers");

    /** What the server does with a request: return a reply or throw a status. */
    @FunctionalInterface
    interface Behavior {
        String handle(String request) throws StatusRuntimeException;
    }

    final String name;
    final AtomicInteger hits = new AtomicInteger();
    final AtomicReference<Metadata> lastHeaders = new AtomicReference<>();
    final AtomicReference<Deadline> lastDeadline = new AtomicReference<>();
    private volatile Behavior behavior;
    private final Server server;

    private final String host;

    private EchoServer(String name, String host, List<ServerInterceptor> interceptors, List<BindableService> others) {
        this.host = host;
        this.name = name;
        this.behavior = request -> name + ":" + request;
        ServerCalls.UnaryMethod<String, String> unary = (request, response) -> {
            hits.incrementAndGet();
            lastHeaders.set(HEADERS.get());
            lastDeadline.set(Context.current().getDeadline());
            try {
                response.onNext(behavior.handle(request));
                response.onCompleted();
            } catch (StatusRuntimeException e) {
                response.onError(e);
            }
        };
        ServerServiceDefinition service = ServerServiceDefinition.builder(EchoService.SERVICE)
                .addMethod(EchoService.GET, ServerCalls.asyncUnaryCall(unary))
                .addMethod(EchoService.CREATE, ServerCalls.asyncUnaryCall(unary))
                .build();
        ServerInterceptor recordHeaders = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(Context.current().withValue(HEADERS, headers), call, headers, next);
            }
        };
        List<ServerInterceptor> all = new ArrayList<>(interceptors);
        all.add(recordHeaders); // ServerInterceptors.intercept runs the last one first
        try {
            NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
                    .addService(ServerInterceptors.intercept(service, all));
            others.forEach(builder::addService);
            this.server = builder.build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A server on loopback. */
    static EchoServer start(String name, ServerInterceptor... interceptors) {
        return new EchoServer(name, "127.0.0.1", List.of(interceptors), List.of());
    }

    /** A server on {@code host}, also serving {@code others} (e.g. grpc.health.v1). */
    static EchoServer startOn(String host, String name, BindableService... others) {
        return new EchoServer(name, host, List.of(), List.of(others));
    }

    void behave(Behavior behavior) {
        this.behavior = behavior;
    }

    int port() {
        return server.getPort();
    }

    /** This server as the directory lists it. */
    ServiceInstance instance(String serviceName) {
        return new ServiceInstance(name, serviceName, host, port(), List.of("grpc"), Map.of());
    }

    /** Stops at once, like a killed process: connections drop, calls in flight fail. */
    /**
     * Stops the server at once and waits until its connections are closed, as a killed process's
     * would be. (Without the wait a call could reach the half-stopped server and be cancelled with
     * RST_STREAM CANCEL, which no killed process sends.)
     */
    void kill() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
