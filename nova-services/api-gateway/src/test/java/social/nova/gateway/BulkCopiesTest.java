package social.nova.gateway;

import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BulkCopiesTest {

    @Test
    void copiesOnAPlatformThreadAndAnswersWhatTheCopyReturned() throws Exception {
        try (BulkCopies copies = new BulkCopies(2)) {
            String ranOn = runOnVirtualThread(() -> copies.run(() -> Thread.currentThread()
                            .isVirtual() + " " + Thread.currentThread().getName()));
            assertThat(ranOn).startsWith("false media-copy-");
        }
    }

    @Test
    void aCopyThatFindsEveryThreadBusyRunsOnItsOwnThreadAtOnce() throws Exception {
        try (BulkCopies copies = new BulkCopies(1)) {
            CountDownLatch busy = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread slow = Thread.ofVirtual().start(() -> {
                try {
                    copies.run(() -> {
                        busy.countDown();
                        return release.await(10, TimeUnit.SECONDS);
                    });
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
            // Not queued behind the slow copy: it runs on the caller's (virtual) thread.
            assertThat(runOnVirtualThread(
                            () -> copies.run(() -> Thread.currentThread().isVirtual())))
                    .isTrue();
            release.countDown();
            slow.join();
        }
    }

    @Test
    void whatTheCopyThrowsReachesTheCaller() {
        try (BulkCopies copies = new BulkCopies(1)) {
            assertThatThrownBy(() -> copies.run(() -> {
                        throw new IOException("the client left");
                    }))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the client left");
        }
    }

    @Test
    void noThreadsKeepsEveryCopyOnItsRequestsThread() throws Exception {
        try (BulkCopies copies = new BulkCopies(0)) {
            assertThat(runOnVirtualThread(
                            () -> copies.run(() -> Thread.currentThread().isVirtual())))
                    .isTrue();
        }
    }

    private static <T> T runOnVirtualThread(java.util.concurrent.Callable<T> work) throws Exception {
        var result = new java.util.concurrent.atomic.AtomicReference<T>();
        var failure = new java.util.concurrent.atomic.AtomicReference<Exception>();
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        result.set(work.call());
                    } catch (Exception e) {
                        failure.set(e);
                    }
                })
                .join();
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }
}
