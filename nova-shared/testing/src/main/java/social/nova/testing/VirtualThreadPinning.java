package social.nova.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.management.HotSpotDiagnosticMXBean;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingStream;

/**
 * Finds what pins a virtual thread's carrier on the services' Java 21 runtime: a virtual thread that
 * blocks (parks: socket I/O, a lock, a future) while it holds a monitor ({@code synchronized}).
 * Two views, because the JDK that runs the tests decides which one can see it:
 * <ul>
 *   <li>JFR {@code jdk.VirtualThreadPinned} events (threshold 0), recorded in this JVM: what Java
 *       21 to 23 report when a virtual thread parks inside {@code synchronized};</li>
 *   <li>a JSON thread dump ({@code HotSpotDiagnosticMXBean.dumpThreads}), whose {@code monitorsOwned}
 *       lists the monitors each virtual thread holds. From Java 24 on {@code synchronized} no longer
 *       pins (JEP 491), so JFR stays silent there; a virtual thread that is parked while it owns a
 *       monitor is exactly what pinned its carrier on Java 21, and the dump shows it.</li>
 * </ul>
 * A test starts the probe, drives the code on virtual threads against a dependency it stalled,
 * waits until a virtual thread is inside the stalled call ({@link #virtualThreadsIn}), and asserts
 * that both lists are empty for Nova's packages. On Java 21 to 23 the thread dump has no
 * {@code monitorsOwned} and JFR does the work; on 24 and later the dump does.
 */
public final class VirtualThreadPinning implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final RecordingStream recording = new RecordingStream();
    private final Queue<List<String>> pinnedStacks = new ConcurrentLinkedQueue<>();

    private VirtualThreadPinning() {
        recording.enable("jdk.VirtualThreadPinned").withThreshold(Duration.ZERO).withStackTrace();
        recording.onEvent(
                "jdk.VirtualThreadPinned",
                event -> pinnedStacks.add(
                        event.getStackTrace() == null
                                ? List.of()
                                : event.getStackTrace().getFrames().stream()
                                        .map(VirtualThreadPinning::frame)
                                        .toList()));
        recording.startAsync();
    }

    /** Starts recording pinned virtual threads in this JVM. */
    public static VirtualThreadPinning record() {
        return new VirtualThreadPinning();
    }

    /**
     * Virtual threads that run code of {@code packagePrefix} and own a monitor right now, each as
     * its name, state, monitors and stack. Taken while the code waits for a dependency the test
     * stalled, every one of them holds a monitor across that wait: a pinned carrier on Java 21.
     */
    public List<String> holdingMonitors(String packagePrefix) {
        List<String> found = new ArrayList<>();
        for (JsonNode thread : virtualThreads()) {
            List<String> stack = stack(thread);
            if (stack.stream().anyMatch(frame -> frame.contains(packagePrefix))
                    && !thread.path("monitorsOwned").isEmpty()) {
                found.add(thread.path("name").asText() + " "
                        + thread.path("state").asText() + " owning " + thread.path("monitorsOwned") + " at " + stack);
            }
        }
        return found;
    }

    /** How many virtual threads have a frame of {@code framePrefix} on their stack now (waiting in that call). */
    public long virtualThreadsIn(String framePrefix) {
        return virtualThreads().stream()
                .filter(thread -> stack(thread).stream().anyMatch(frame -> frame.contains(framePrefix)))
                .count();
    }

    /** The pinned events recorded so far whose stack runs code of {@code packagePrefix}, as stacks. */
    public List<List<String>> pinnedEvents(String packagePrefix) {
        recording.stop();
        return pinnedStacks.stream()
                .filter(stack -> stack.stream().anyMatch(frame -> frame.contains(packagePrefix)))
                .toList();
    }

    @Override
    public void close() {
        recording.close();
    }

    private static List<JsonNode> virtualThreads() {
        List<JsonNode> threads = new ArrayList<>();
        for (JsonNode container : threadDump().path("threadDump").path("threadContainers")) {
            for (JsonNode thread : container.path("threads")) {
                if (thread.path("virtual").asBoolean(false)) {
                    threads.add(thread);
                }
            }
        }
        return threads;
    }

    private static List<String> stack(JsonNode thread) {
        List<String> frames = new ArrayList<>();
        thread.path("stack").forEach(frame -> frames.add(frame.asText()));
        return frames;
    }

    private static JsonNode threadDump() {
        try {
            Path file = Files.createTempFile("nova-threads", ".json");
            Files.delete(file);
            try {
                ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                        .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
                return JSON.readTree(file.toFile());
            } finally {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot dump the threads of the test JVM", e);
        }
    }

    private static String frame(RecordedFrame frame) {
        return frame.getMethod().getType().getName() + "." + frame.getMethod().getName();
    }
}
