package social.nova.rpc;

import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MeterRegistrationTest {
    @Test
    void aVirtualThreadHasItsMeterCreatedOnThePlatformRegistrationThread() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<Thread> creator = new AtomicReference<>();
        AtomicReference<Counter> created = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> created.set(MeterRegistration.create(() -> {
                    creator.set(Thread.currentThread());
                    return Counter.builder("calls").register(registry);
                })))
                .join();
        assertThat(creator.get().isVirtual()).isFalse();
        assertThat(creator.get().getName()).isEqualTo("nova-meter-registration");
        assertThat(created.get()).isSameAs(registry.get("calls").counter());
    }

    @Test
    void aPlatformThreadCreatesItsOwnMeters() {
        AtomicReference<Thread> creator = new AtomicReference<>();
        MeterRegistration.create(() -> {
            creator.set(Thread.currentThread());
            return null;
        });
        assertThat(creator.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void aFailedRegistrationReachesTheCallerAsItself() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> {
                    try {
                        MeterRegistration.create(() -> {
                            throw new IllegalArgumentException("meter 'calls' has tags [a] elsewhere");
                        });
                    } catch (RuntimeException e) {
                        failure.set(e);
                    }
                })
                .join();
        assertThat(failure.get())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("meter 'calls' has tags [a] elsewhere");
    }

    @Test
    void anInterruptedCallerStillGetsItsMeterAndKeepsItsInterrupt() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicReference<Counter> created = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread.ofVirtual()
                .start(() -> {
                    Thread.currentThread().interrupt();
                    created.set(MeterRegistration.create(
                            () -> Counter.builder("late").register(registry)));
                    stillInterrupted.set(Thread.currentThread().isInterrupted());
                })
                .join();
        assertThat(created.get()).isNotNull();
        assertThat(stillInterrupted.get()).isTrue();
    }
}
