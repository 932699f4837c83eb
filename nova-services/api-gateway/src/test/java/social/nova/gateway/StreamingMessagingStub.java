package social.nova.gateway;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.messaging.v1.Message;
import social.nova.contracts.messaging.v1.MessagingServiceGrpc;
import social.nova.contracts.messaging.v1.StreamMessagesRequest;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.discovery.ConsulRegistrar;
import social.nova.discovery.ConsulSettings;
import social.nova.discovery.InstanceRegistration;
import social.nova.testing.SharedContainers;

import static org.awaitility.Awaitility.await;

/**
 * A stub of messaging-service's {@code StreamMessages} that the test drives live: each call stays
 * open, the test pushes events into it, ends it with a status, or floods it (obeying gRPC flow
 * control). nova-service-testing's RegisteredStub answers a stream with a fixed list and completes
 * it, so this tiny grpc-java server stands in, registered in Consul as RegisteredStub registers
 * (gRPC health and an HTTP readiness check).
 */
final class StreamingMessagingStub implements AutoCloseable {
    private static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Context.Key<String> CALL_AUTHORIZATION = Context.key("stub-authorization");

    /** One StreamMessages call as the stub saw it. */
    static final class Stream {
        final StreamMessagesRequest request;
        final String authorization;
        private final ServerCallStreamObserver<StreamMessagesResponse> observer;
        final AtomicBoolean cancelled = new AtomicBoolean();
        final AtomicBoolean ended = new AtomicBoolean();
        final AtomicInteger flooded = new AtomicInteger();

        Stream(
                StreamMessagesRequest request,
                String authorization,
                ServerCallStreamObserver<StreamMessagesResponse> observer) {
            this.request = request;
            this.authorization = authorization;
            this.observer = observer;
            observer.setOnCancelHandler(() -> cancelled.set(true));
            // Only settable before the handler returns: it runs whatever flood() installs.
            observer.setOnReadyHandler(() -> onReady.run());
        }

        private volatile Runnable onReady = () -> {};

        synchronized void send(Message message) {
            observer.onNext(
                    StreamMessagesResponse.newBuilder().setMessage(message).build());
        }

        synchronized void send(StreamMessagesResponse event) {
            observer.onNext(event);
        }

        synchronized void fail(Status status) {
            ended.set(true);
            observer.onError(status.asRuntimeException());
        }

        /** Streams {@code messages} as fast as flow control lets it, until cancelled. */
        void flood(java.util.function.IntFunction<Message> messages, int count) {
            Runnable pump = () -> {
                synchronized (this) {
                    while (observer.isReady() && !cancelled.get() && flooded.get() < count) {
                        observer.onNext(StreamMessagesResponse.newBuilder()
                                .setMessage(messages.apply(flooded.getAndIncrement()))
                                .build());
                    }
                }
            };
            onReady = pump;
            pump.run();
        }

        boolean open() {
            return !cancelled.get() && !ended.get();
        }
    }

    private final Server server;
    private final HttpServer readiness;
    private final ConsulRegistrar registrar;
    private final HealthStatusManager health = new HealthStatusManager();
    final List<Stream> streams = new CopyOnWriteArrayList<>();

    StreamingMessagingStub(ConsulContainer consul) {
        String host = SharedContainers.hostAddressSeenFrom(consul);
        ServerInterceptor headers = new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata metadata, ServerCallHandler<Q, R> next) {
                return Contexts.interceptCall(
                        Context.current().withValue(CALL_AUTHORIZATION, metadata.get(AUTHORIZATION)),
                        call,
                        metadata,
                        next);
            }
        };
        MessagingServiceGrpc.MessagingServiceImplBase service = new MessagingServiceGrpc.MessagingServiceImplBase() {
            @Override
            public void streamMessages(StreamMessagesRequest request, StreamObserver<StreamMessagesResponse> observer) {
                streams.add(
                        new Stream(request, CALL_AUTHORIZATION.get(), (ServerCallStreamObserver<StreamMessagesResponse>)
                                observer));
            }
        };
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus("messaging-service", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        try {
            server = NettyServerBuilder.forAddress(new InetSocketAddress(host, 0))
                    .addService(ServerInterceptors.intercept(service, headers))
                    .addService(health.getHealthService())
                    .build()
                    .start();
            readiness = HttpServer.create(new InetSocketAddress(host, 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        readiness.createContext(InstanceRegistration.DEFAULT_READINESS_PATH, exchange -> {
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        readiness.start();
        registrar = ConsulRegistrar.create(
                ConsulSettings.builder()
                        .url(SharedContainers.consulHttpUri(consul))
                        .checkInterval(Duration.ofSeconds(1))
                        .build(),
                InstanceRegistration.builder("messaging-service")
                        .instanceId("messaging-service-streaming-stub-" + server.getPort())
                        .address(host)
                        .port(server.getPort())
                        .tag("grpc")
                        .tag("stub")
                        .version("stub")
                        .readinessUrl(URI.create("http://" + host + ":"
                                + readiness.getAddress().getPort() + InstanceRegistration.DEFAULT_READINESS_PATH))
                        .build());
        registrar.register();
    }

    /** The newest open stream carrying {@code authorization}, waited for. */
    Stream awaitOpenStream(String authorization) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> streams.stream()
                                .filter(s -> authorization.equals(s.authorization) && s.open())
                                .reduce((first, second) -> second)
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    /** A newer open stream than {@code previous}, of the same caller. */
    Stream awaitNewStream(Stream previous) {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .until(
                        () -> streams.stream()
                                .skip(streams.indexOf(previous) + 1)
                                .filter(s -> previous.authorization.equals(s.authorization) && s.open())
                                .findFirst()
                                .orElse(null),
                        java.util.Objects::nonNull);
    }

    @Override
    public void close() {
        registrar.close();
        readiness.stop(0);
        server.shutdownNow();
    }
}
