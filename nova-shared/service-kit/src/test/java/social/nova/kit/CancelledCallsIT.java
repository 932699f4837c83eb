package social.nova.kit;

import java.util.concurrent.TimeUnit;

import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Calls their clients cancel (a deadline that expires, a stream whose reader went away) cost the
 * other calls on the connection nothing. Helidon 4.5.0 counts every client RST_STREAM of a gRPC
 * call as a "rapid reset" (its gRPC handler writes past the stream's write state, which stays at
 * INIT), and at 50 within 10 s answers GOAWAY ENHANCE_YOUR_CALM: every call in flight on the
 * connection fails. nova-rpc multiplexes all of a service's calls to an instance on one connection,
 * and the gateway holds every WebSocket's stream on one, so a burst of expiring deadlines, or a
 * crowd of apps closing, took down everyone's calls. The kit raises the limit ({@link Traffic}).
 */
class CancelledCallsIT {
    private static final int CANCELLED = 200;

    private final KitFixture service = KitFixture.shared();

    @Test
    void manyCancelledCallsLeaveACallInFlightOnTheSameConnectionAlone() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", service.port)
                .usePlaintext()
                .build();
        try {
            var inFlight = ClientCalls.futureUnaryCall(channel.newCall(ProbeService.SLOW, CallOptions.DEFAULT), "4000");
            for (int i = 0; i < CANCELLED; i++) {
                StatusRuntimeException expired = catchThrowableOfType(
                        StatusRuntimeException.class,
                        () -> ClientCalls.blockingUnaryCall(
                                channel,
                                ProbeService.SLOW,
                                CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.MILLISECONDS),
                                "100"));
                assertThat(expired).as("call %d, past its deadline", i).isNotNull();
                assertThat(expired.getStatus().getCode())
                        .as("call %d: %s", i, expired.getStatus())
                        .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
            }
            assertThat(inFlight.get(10, TimeUnit.SECONDS))
                    .as("the call in flight while %d others were cancelled", CANCELLED)
                    .isEqualTo("done");
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
