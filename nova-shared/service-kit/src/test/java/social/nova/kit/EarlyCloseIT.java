package social.nova.kit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.grpc.CallOptions;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Calls refused before their handler starts share a connection with good calls without harm
 * ({@link EarlyCloseInterceptor}). Without it, a refusal reached the client before its request
 * had gone out; the client's RST_STREAM and late DATA frame for that stream, arriving after a newer
 * stream had started, drew GOAWAY PROTOCOL_ERROR from Helidon 4.5.0 and every call in flight on the
 * connection failed. Four threads sending refused and good calls at once on one channel hit that
 * within a few hundred calls in 3 runs out of 3; here every call must get its own answer.
 */
class EarlyCloseIT {
    private static final int THREADS = 4;
    private static final int CALLS_PER_THREAD = 600;

    private final KitFixture service = KitFixture.shared();

    @Test
    void refusedCallsAndGoodCallsOnOneConnectionEachGetTheirOwnAnswer() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                threads.add(pool.submit(() -> {
                    for (int i = 0; i < CALLS_PER_THREAD; i++) {
                        if ((i + thread) % 2 == 0) {
                            StatusRuntimeException refused = KitFixture.failure(
                                    service.withHeaders("authorization", "Bearer x"), ProbeService.INSPECT);
                            assertThat(refused.getStatus().getCode())
                                    .as("refused call %d of thread %d: %s", i, thread, refused.getStatus())
                                    .isEqualTo(Status.Code.UNAUTHENTICATED);
                            assertThat(refused.getStatus().getDescription())
                                    .isEqualTo("access token is invalid or expired");
                        } else {
                            assertThat(KitFixture.inspect(service.channel, CallOptions.DEFAULT))
                                    .as("good call %d of thread %d", i, thread)
                                    .containsEntry("caller", "");
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> thread : threads) {
                thread.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
