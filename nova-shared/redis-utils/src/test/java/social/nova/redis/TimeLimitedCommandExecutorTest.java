package social.nova.redis;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import redis.clients.jedis.BuilderFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObject;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.executors.CommandExecutor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bound on one command, without Redis: the command executor underneath is a stand-in that
 * answers at once or hangs the way a frozen server makes a socket read hang (until interrupted).
 * No timing is asserted beyond "the hang ended": the integration test {@code FrozenRedisIT}
 * measures against a paused Redis.
 */
class TimeLimitedCommandExecutorTest {
    private static final Duration TIMEOUT = Duration.ofMillis(100);
    private static final CommandObject<String> GET =
            new CommandObject<>(new CommandArguments(Protocol.Command.GET).key("k"), BuilderFactory.STRING);

    private final CountDownLatch never = new CountDownLatch(1);
    private volatile boolean hang;
    private final CommandExecutor standIn = new CommandExecutor() {
        @Override
        @SuppressWarnings("unchecked")
        public <T> T executeCommand(CommandObject<T> command) {
            if (hang) {
                try {
                    never.await();
                } catch (InterruptedException e) {
                    // What Jedis does with a socket closed under an interrupted read.
                    throw new JedisConnectionException("java.net.SocketException: Closed by interrupt", e);
                }
            }
            return (T) "value";
        }

        @Override
        public void close() {}
    };
    private final TimeLimitedCommandExecutor executor = new TimeLimitedCommandExecutor(standIn, TIMEOUT);

    @AfterEach
    void close() throws Exception {
        executor.close();
    }

    @Test
    void aVirtualThreadsHungCommandEndsAsAConnectionFailureAndLeavesNoInterruptBehind() throws Exception {
        hangOnAVirtualThreadUntilTheTimeout();
    }

    @Test
    void aCommandThatHangsAfterTheWatchdogWentIdleStillEnds() throws Exception {
        Thread.ofVirtual().start(() -> executor.executeCommand(GET)).join();
        await().atMost(Duration.ofSeconds(10))
                .alias("the watchdog sleeps until the next command once none ran for a timeout")
                .until(executor::idle);

        hangOnAVirtualThreadUntilTheTimeout();
    }

    /** A command that hangs on a virtual thread ends as a connection failure, with no interrupt left behind. */
    private void hangOnAVirtualThreadUntilTheTimeout() throws InterruptedException {
        hang = true;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                executor.executeCommand(GET);
            } catch (RuntimeException e) {
                failure.set(e);
            }
            interruptedAfter.set(Thread.currentThread().isInterrupted());
        });

        assertThat(caller.join(Duration.ofSeconds(10)))
                .as("the hung command ended")
                .isTrue();
        assertThat(failure.get())
                .isInstanceOf(JedisConnectionException.class)
                .hasMessage("Redis did not answer within " + TIMEOUT);
        assertThat(interruptedAfter.get())
                .as("the caller's interrupt status afterwards")
                .isFalse();
        assertThat(executor.watching()).isZero();
    }

    @Test
    void aVirtualThreadsAnsweredCommandsAreNeverInterrupted() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                for (int i = 0; i < 10_000; i++) {
                    assertThat(executor.executeCommand(GET)).isEqualTo("value");
                    assertThat(Thread.currentThread().isInterrupted()).isFalse();
                }
                // Past the deadline of every command above: the watchdog has had time to look.
                TimeUnit.MILLISECONDS.sleep(TIMEOUT.toMillis() + 3 * TimeLimitedCommandExecutor.SWEEP_MILLIS);
            } catch (Throwable e) {
                failure.set(e);
            }
        });

        assertThat(caller.join(Duration.ofSeconds(30))).isTrue();
        assertThat(failure.get())
                .as("a command answered in time, or a sleep after it, interrupted")
                .isNull();
        assertThat(executor.watching()).isZero();
    }

    @Test
    void aPlatformThreadsHungCommandEndsAsAConnectionFailure() {
        hang = true;
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread caller = Thread.ofPlatform().start(() -> {
            try {
                executor.executeCommand(GET);
            } catch (RuntimeException e) {
                failure.set(e);
            }
        });

        await().atMost(Duration.ofSeconds(10)).until(() -> !caller.isAlive());
        assertThat(failure.get())
                .isInstanceOf(JedisConnectionException.class)
                .hasMessage("Redis did not answer within " + TIMEOUT);
    }
}
