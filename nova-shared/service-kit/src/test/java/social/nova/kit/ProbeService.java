package social.nova.kit;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.grpc.BindableService;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import social.nova.errors.FieldViolation;
import social.nova.errors.NovaException;
import social.nova.rpc.CallContext;

/**
 * A small gRPC service with String messages (no generated code) whose handlers report what the
 * kit put in their Context, fail in the ways handlers fail, take their time, or call the next hop.
 * It counts how often each handler ran, so tests can tell that a call never reached it.
 */
final class ProbeService implements BindableService {
    static final String NAME = "nova.test.v1.ProbeService";

    /** Answers {@link #report} of what the handler sees (deadline, request id, authorization, caller, address). */
    static final MethodDescriptor<String, String> INSPECT = unary("Inspect");
    /** Answers the caller's user id, or fails through {@code Callers.require()}. */
    static final MethodDescriptor<String, String> WHO_AM_I = unary("WhoAmI");
    /** Throws INVALID_ARGUMENT with a field violation. */
    static final MethodDescriptor<String, String> REJECT = unary("Reject");
    /** Throws an unexpected exception whose message must never reach the caller. */
    static final MethodDescriptor<String, String> CRASH = unary("Crash");
    /** Sends one message, then throws. */
    static final MethodDescriptor<String, String> STREAM_THEN_CRASH = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.SERVER_STREAMING)
            .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, "StreamThenCrash"))
            .setRequestMarshaller(StringMarshaller.INSTANCE)
            .setResponseMarshaller(StringMarshaller.INSTANCE)
            .build();
    /** Sleeps the requested number of milliseconds, then answers "done". */
    static final MethodDescriptor<String, String> SLOW = unary("Slow");
    /** Sleeps the requested milliseconds, then calls {@link #INSPECT} on the next hop and answers its report. */
    static final MethodDescriptor<String, String> RELAY = unary("Relay");

    static final String SECRET = "password=hunter2 at db-7.internal";
    static final String NO_DEADLINE = "none";

    private final Supplier<Channel> nextHop;
    private final Map<String, AtomicInteger> invocations = new ConcurrentHashMap<>();

    /** @param nextHop the channel {@link #RELAY} calls, asked for only when it is called */
    ProbeService(Supplier<Channel> nextHop) {
        this.nextHop = nextHop;
    }

    /** How many times the handler of {@code method} has run. */
    int invocations(MethodDescriptor<?, ?> method) {
        AtomicInteger count = invocations.get(method.getFullMethodName());
        return count == null ? 0 : count.get();
    }

    @Override
    public ServerServiceDefinition bindService() {
        return ServerServiceDefinition.builder(NAME)
                .addMethod(INSPECT, ServerCalls.asyncUnaryCall(this::inspect))
                .addMethod(WHO_AM_I, ServerCalls.asyncUnaryCall(this::whoAmI))
                .addMethod(REJECT, ServerCalls.asyncUnaryCall(this::reject))
                .addMethod(CRASH, ServerCalls.asyncUnaryCall(this::crash))
                .addMethod(STREAM_THEN_CRASH, ServerCalls.asyncServerStreamingCall(this::streamThenCrash))
                .addMethod(SLOW, ServerCalls.asyncUnaryCall(this::slow))
                .addMethod(RELAY, ServerCalls.asyncUnaryCall(this::relay))
                .build();
    }

    private void inspect(String request, StreamObserver<String> response) {
        counted(INSPECT);
        Protos.reply(response, render(report()));
    }

    private void whoAmI(String request, StreamObserver<String> response) {
        counted(WHO_AM_I);
        Protos.reply(response, Callers.require().userId());
    }

    private void reject(String request, StreamObserver<String> response) {
        counted(REJECT);
        throw NovaException.invalidArgument(FieldViolation.of("email", "must contain @"));
    }

    private void crash(String request, StreamObserver<String> response) {
        counted(CRASH);
        throw new IllegalStateException(SECRET);
    }

    private void streamThenCrash(String request, StreamObserver<String> response) {
        counted(STREAM_THEN_CRASH);
        response.onNext("first");
        throw new IllegalStateException(SECRET);
    }

    private void slow(String millis, StreamObserver<String> response) {
        counted(SLOW);
        sleep(Long.parseLong(millis));
        Protos.reply(response, "done");
    }

    private void relay(String millis, StreamObserver<String> response) {
        counted(RELAY);
        sleep(Long.parseLong(millis));
        String ownRemaining = remainingMillis();
        Map<String, String> downstream =
                parse(ClientCalls.blockingUnaryCall(nextHop.get(), INSPECT, CallOptions.DEFAULT, ""));
        downstream.put("relayDeadlineMillis", ownRemaining);
        Protos.reply(response, render(downstream));
    }

    /** What the kit gave this call, as the handler sees it. */
    private static Map<String, String> report() {
        Map<String, String> report = new LinkedHashMap<>();
        report.put("deadlineMillis", remainingMillis());
        report.put("requestId", String.valueOf(CallContext.currentRequestId()));
        report.put("authorization", String.valueOf(CallContext.currentAuthorization()));
        report.put("caller", Callers.current().map(Caller::userId).orElse(""));
        report.put("clientAddress", Callers.clientAddress());
        return report;
    }

    private static String remainingMillis() {
        Deadline deadline = Context.current().getDeadline();
        return deadline == null ? NO_DEADLINE : String.valueOf(deadline.timeRemaining(TimeUnit.MILLISECONDS));
    }

    static String render(Map<String, String> values) {
        StringBuilder text = new StringBuilder();
        values.forEach(
                (key, value) -> text.append(key).append('=').append(value).append('\n'));
        return text.toString();
    }

    static Map<String, String> parse(String text) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            if (!line.isEmpty()) {
                String[] keyValue = line.split("=", 2);
                values.put(keyValue[0], keyValue[1]);
            }
        }
        return values;
    }

    private void counted(MethodDescriptor<?, ?> method) {
        invocations
                .computeIfAbsent(method.getFullMethodName(), name -> new AtomicInteger())
                .incrementAndGet();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NovaException.unavailable("interrupted");
        }
    }

    private static MethodDescriptor<String, String> unary(String name) {
        return MethodDescriptor.<String, String>newBuilder()
                .setType(MethodDescriptor.MethodType.UNARY)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(NAME, name))
                .setRequestMarshaller(StringMarshaller.INSTANCE)
                .setResponseMarshaller(StringMarshaller.INSTANCE)
                .build();
    }

    enum StringMarshaller implements MethodDescriptor.Marshaller<String> {
        INSTANCE;

        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
