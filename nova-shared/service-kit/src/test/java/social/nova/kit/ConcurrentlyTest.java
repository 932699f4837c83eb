package social.nova.kit;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import io.grpc.Context;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentlyTest {
    private static final Context.Key<String> TOKEN = Context.key("token");

    @Test
    void theStepsRunAtTheSameTime() {
        // Each step waits until both have started: run one after the other, neither would get there.
        CountDownLatch started = new CountDownLatch(2);
        AtomicBoolean firstSawBoth = new AtomicBoolean();
        AtomicBoolean secondSawBoth = new AtomicBoolean();

        Concurrently.run(() -> firstSawBoth.set(arrive(started)), () -> secondSawBoth.set(arrive(started)));

        assertThat(firstSawBoth).isTrue();
        assertThat(secondSawBoth).isTrue();
    }

    @Test
    void theFirstStepRunsOnTheCallersThreadAndTheOthersOnVirtualThreads() {
        AtomicReference<Thread> first = new AtomicReference<>();
        AtomicReference<Thread> second = new AtomicReference<>();

        Concurrently.run(() -> first.set(Thread.currentThread()), () -> second.set(Thread.currentThread()));

        assertThat(first.get()).isSameAs(Thread.currentThread());
        assertThat(second.get().isVirtual()).isTrue();
    }

    @Test
    void everyStepSeesTheCallersGrpcContext() throws Exception {
        AtomicReference<String> seen = new AtomicReference<>();

        Context.current().withValue(TOKEN, "Bearer abc").call(() -> {
            Concurrently.run(() -> {}, () -> seen.set(TOKEN.get()));
            return null;
        });

        assertThat(seen.get()).isEqualTo("Bearer abc");
    }

    @Test
    void theFirstFailureInArgumentOrderIsThrownWithTheOthersSuppressed() {
        // The second step fails first in time; the caller still gets the first step's failure, as
        // running them in order would have given.
        CountDownLatch secondFailed = new CountDownLatch(1);
        IllegalStateException firstFailure = new IllegalStateException("author unknown");
        IllegalArgumentException secondFailure = new IllegalArgumentException("media not ready");

        assertThatThrownBy(() -> Concurrently.run(
                        () -> {
                            await(secondFailed);
                            throw firstFailure;
                        },
                        () -> {
                            secondFailed.countDown();
                            throw secondFailure;
                        }))
                .isSameAs(firstFailure)
                .satisfies(thrown -> assertThat(thrown.getSuppressed()).containsExactly(secondFailure));
    }

    @Test
    void aFailureOfALaterStepIsThrownWhenTheEarlierOnesSucceed() {
        IllegalArgumentException failure = new IllegalArgumentException("media not ready");

        assertThatThrownBy(() -> Concurrently.run(() -> {}, () -> {}, () -> {
                    throw failure;
                }))
                .isSameAs(failure);
    }

    @Test
    void itReturnsOnlyOnceEveryStepHasEndedEvenWhenOneFailedEarly() {
        CountDownLatch failed = new CountDownLatch(1);
        AtomicBoolean slowStepEnded = new AtomicBoolean();

        assertThatThrownBy(() -> Concurrently.run(
                        () -> {
                            failed.countDown();
                            throw new IllegalStateException("refused");
                        },
                        () -> {
                            await(failed);
                            slowStepEnded.set(true);
                        }))
                .hasMessage("refused");

        assertThat(slowStepEnded).isTrue();
    }

    @Test
    void anInterruptWhileWaitingIsHandedBackAfterTheStepsEnd() {
        CountDownLatch waiting = new CountDownLatch(1);
        AtomicBoolean stepEnded = new AtomicBoolean();
        Thread caller = Thread.currentThread();

        Concurrently.run(
                () -> {
                    waiting.countDown();
                },
                () -> {
                    await(waiting);
                    caller.interrupt();
                    stepEnded.set(true);
                });

        assertThat(stepEnded).isTrue();
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void bothCombinesTwoAnswersReadAtTheSameTime() {
        CountDownLatch started = new CountDownLatch(2);

        String page = Concurrently.both(
                () -> arrive(started) ? "posts" : "alone",
                () -> arrive(started) ? 2 : 0,
                (posts, live) -> posts + " with " + live + " live streams");

        assertThat(page).isEqualTo("posts with 2 live streams");
    }

    @Test
    void bothThrowsTheFirstFailureInArgumentOrder() {
        IllegalStateException expired = new IllegalStateException("snapshot store down");

        assertThatThrownBy(() -> Concurrently.both(
                        () -> {
                            throw expired;
                        },
                        () -> "posts",
                        (a, b) -> "never"))
                .isSameAs(expired);
    }

    private static boolean arrive(CountDownLatch started) {
        started.countDown();
        return await(started);
    }

    /** Waits for the latch; false after 10 s, so a broken implementation fails instead of hanging. */
    private static boolean await(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
