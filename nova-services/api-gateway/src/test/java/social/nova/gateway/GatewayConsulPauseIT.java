package social.nova.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.consul.ConsulContainer;
import social.nova.contracts.gateway.v1.ListServicesResponse;
import social.nova.discovery.ConsulSettings;
import social.nova.testing.MutableClock;
import social.nova.testing.SharedContainers;
import social.nova.testing.VirtualThreadPinning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Consul paused (docker pause: connections hang, nothing is refused) while {@code /health} and
 * {@code /api/v1/services} are asked for on virtual threads (issue 9, item 5). The fleet answers
 * with its last view within {@code gateway.fleet.max-wait}, and no virtual thread holds a monitor
 * while the look at Consul hangs: the old {@code synchronized Fleet.view()} held the fleet's monitor
 * across Consul calls with a 10 s read timeout, which on the gateway's Java 21 runtime pins the
 * carrier of every probe behind it (two probes froze the 2-core gateway).
 *
 * <p>The tests run on JDK 25, where {@code synchronized} no longer pins (JEP 491), so JFR's
 * {@code jdk.VirtualThreadPinned} alone could not fail here for the old code.
 * {@link VirtualThreadPinning} therefore also reads a JSON thread dump, taken while the look at
 * Consul hangs, for virtual threads that own a monitor: any such thread is a pinned carrier on Java
 * 21. With the old fleet the dump lists the probe holding the {@code Fleet} monitor inside the Consul
 * call; on a Java 21 JVM the JFR events would list it.
 */
class GatewayConsulPauseIT {
    private static final Duration CACHE_FOR = Duration.ofSeconds(1);
    private static final Duration MAX_WAIT = Duration.ofMillis(500);
    /** The bound for /health while Consul is paused. */
    private static final Duration ANSWERS_WITHIN = Duration.ofSeconds(1);

    private final ConsulContainer consul = SharedContainers.newConsul();
    private boolean paused;

    @AfterEach
    void stopConsul() {
        if (paused) {
            DockerClientFactory.instance()
                    .client()
                    .unpauseContainerCmd(consul.getContainerId())
                    .exec();
        }
        consul.stop();
    }

    @Test
    void probesDuringAConsulPauseAnswerFromTheLastViewAndPinNoCarrier() throws Exception {
        consul.start();
        MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
        ConsulSettings settings = ConsulSettings.create(Config.just(ConfigSources.create(
                Map.of("url", SharedContainers.consulHttpUri(consul).toString()))));
        try (Fleet fleet = new Fleet(settings, null, List.of(), CACHE_FOR, MAX_WAIT, clock)) {
            ListServicesResponse before = fleet.services("");

            DockerClientFactory.instance()
                    .client()
                    .pauseContainerCmd(consul.getContainerId())
                    .exec();
            paused = true;
            clock.advance(CACHE_FOR.plusSeconds(1));
            try (VirtualThreadPinning pinning = VirtualThreadPinning.record()) {
                Queue<ListServicesResponse> answers = new ConcurrentLinkedQueue<>();
                Queue<Duration> took = new ConcurrentLinkedQueue<>();
                List<Thread> probes = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    probes.add(Thread.ofVirtual().name("probe-" + i).start(() -> {
                        long started = System.nanoTime();
                        answers.add(fleet.services(""));
                        took.add(Duration.ofNanos(System.nanoTime() - started));
                    }));
                }
                await().atMost(Duration.ofSeconds(5))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> pinning.virtualThreadsIn("org.kiwiproject.consul") > 0);

                assertThat(pinning.holdingMonitors("social.nova."))
                        .as("virtual threads holding a monitor while Consul hangs")
                        .isEmpty();

                for (Thread probe : probes) {
                    probe.join(Duration.ofSeconds(30));
                }
                assertThat(answers)
                        .as("each probe answered from the last view")
                        .hasSize(2)
                        .containsOnly(before);
                assertThat(took).allSatisfy(duration -> assertThat(duration).isLessThan(ANSWERS_WITHIN));
                assertThat(pinning.pinnedEvents("social.nova."))
                        .as("jdk.VirtualThreadPinned")
                        .isEmpty();
            }
        }
    }
}
