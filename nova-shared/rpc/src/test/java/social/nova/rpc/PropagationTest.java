package social.nova.rpc;

import java.util.List;
import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import social.nova.discovery.StaticServiceDirectory;

import static org.assertj.core.api.Assertions.assertThat;
import static social.nova.rpc.EchoService.CREATE;
import static social.nova.rpc.EchoService.GET;
import static social.nova.rpc.TestClients.call;

/**
 * An edge client calls "upstream", whose handler calls "downstream" through {@link NovaClients}
 * without forwarding anything by hand.
 */
class PropagationTest {
    private static final String DOWNSTREAM = "downstream-service";

    private final StaticServiceDirectory directory = new StaticServiceDirectory();
    private EchoServer downstream;
    private EchoServer upstream;
    private NovaClients clients;
    private ManagedChannel edge;

    @BeforeEach
    void start() {
        downstream = EchoServer.start("downstream");
        directory.set(DOWNSTREAM, List.of(downstream.instance(DOWNSTREAM)));
        clients = TestClients.create(directory, new SimpleMeterRegistry());
        upstream = EchoServer.start("upstream", CallContext.serverInterceptor());
        upstream.behave(request -> call(clients.channel(DOWNSTREAM), CREATE, request));
        edge = Grpc.newChannelBuilderForAddress("127.0.0.1", upstream.port(), InsecureChannelCredentials.create())
                .build();
    }

    @AfterEach
    void stop() throws InterruptedException {
        edge.shutdownNow();
        clients.close();
        upstream.close();
        downstream.close();
    }

    private String callUpstream(Metadata headers, long deadlineMillis) {
        Channel withHeaders = ClientInterceptors.intercept(edge, MetadataUtils.newAttachHeadersInterceptor(headers));
        return ClientCalls.blockingUnaryCall(
                withHeaders,
                GET,
                CallOptions.DEFAULT.withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS),
                "hello");
    }

    @Test
    void requestIdIdentityAndRemainingDeadlineFlowFromInboundToOutboundCalls() {
        Metadata headers = new Metadata();
        headers.put(CallContext.REQUEST_ID_HEADER, "edge-1");
        headers.put(CallContext.CALLER_HEADER, "user-9");
        headers.put(CallContext.AUTHORIZATION_HEADER, "Bearer token-9");

        assertThat(callUpstream(headers, 1500)).isEqualTo("downstream:hello");

        Metadata seen = downstream.lastHeaders.get();
        assertThat(seen.get(CallContext.REQUEST_ID_HEADER)).isEqualTo("edge-1");
        assertThat(seen.get(CallContext.CALLER_HEADER)).isEqualTo("user-9");
        assertThat(seen.get(CallContext.AUTHORIZATION_HEADER)).isEqualTo("Bearer token-9");
        assertThat(downstream.lastDeadline.get().timeRemaining(TimeUnit.MILLISECONDS))
                .as("the upstream's remaining budget, not the 5 s default")
                .isBetween(1L, 1500L);
    }

    @Test
    void aRequestIdIsGeneratedWhenTheInboundCallHasNone() {
        callUpstream(new Metadata(), 2000);
        String first = downstream.lastHeaders.get().get(CallContext.REQUEST_ID_HEADER);
        callUpstream(new Metadata(), 2000);
        String second = downstream.lastHeaders.get().get(CallContext.REQUEST_ID_HEADER);

        assertThat(first).isNotBlank();
        assertThat(second).isNotBlank().isNotEqualTo(first);
        assertThat(downstream.lastHeaders.get().get(CallContext.AUTHORIZATION_HEADER))
                .isNull();
    }

    @Test
    void copiesTheContextIntoHeadersButNeverOverridesExplicitOnes() throws Exception {
        Context context = Context.current()
                .withValues(
                        CallContext.REQUEST_ID, "req-42",
                        CallContext.CALLER_ID, "user-7",
                        CallContext.AUTHORIZATION, "Bearer token-7");
        context.call(() -> call(clients.channel(DOWNSTREAM), GET, "x"));
        Metadata seen = downstream.lastHeaders.get();
        assertThat(seen.get(CallContext.REQUEST_ID_HEADER)).isEqualTo("req-42");
        assertThat(seen.get(CallContext.CALLER_HEADER)).isEqualTo("user-7");
        assertThat(seen.get(CallContext.AUTHORIZATION_HEADER)).isEqualTo("Bearer token-7");

        Metadata explicit = new Metadata();
        explicit.put(CallContext.AUTHORIZATION_HEADER, "Bearer service-token");
        Channel withExplicit = ClientInterceptors.intercept(
                clients.channel(DOWNSTREAM), MetadataUtils.newAttachHeadersInterceptor(explicit));
        context.call(() -> call(withExplicit, GET, "x"));
        assertThat(downstream.lastHeaders.get().getAll(CallContext.AUTHORIZATION_HEADER))
                .containsExactly("Bearer service-token");
    }
}
