package social.nova.kit;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

import com.sun.management.GarbageCollectionNotificationInfo;

/**
 * The JVM's stop-the-world garbage-collection pauses, from the collectors' own notifications: while
 * one lasts, every thread of the service stands still, and every call it serves or makes waits. The
 * totals count every pause since start; the most recent pauses of at least {@link #MIN_KEPT} are
 * also kept one by one with when they started (the last {@value #KEPT}), served at {@value #PATH},
 * so a slow call (nova-rpc's slow calls at {@code /observe/rpc-latency}) can be lined up with the
 * pause that held it. Concurrent phases (ZGC's and Shenandoah's cycles, G1's concurrent marking)
 * stop no thread and are not counted (Helidon's {@code gc_time_seconds} at {@code /observe/metrics}
 * adds them in, so it cannot tell a pause from background work).
 */
final class JvmPauses implements AutoCloseable {
    static final String PATH = "/observe/jvm-pauses";
    static final Duration MIN_KEPT = Duration.ofMillis(20);
    static final int KEPT = 64;

    /** One pause: the collector, its action and cause as the JVM names them, how long, and when it began. */
    record Pause(String collector, String action, String cause, long micros, Instant startedAt) {}

    private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final NotificationListener listener = this::handle;
    /** Guarded by itself; with the totals. */
    private final ArrayDeque<Pause> recent = new ArrayDeque<>();

    private long count;
    private long totalMicros;
    private long maxMicros;

    private JvmPauses() {}

    /** Listens to every collector of this JVM until closed. */
    static JvmPauses start() {
        JvmPauses pauses = new JvmPauses();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (collector instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(pauses.listener, null, null);
                pauses.emitters.add(emitter);
            }
        }
        return pauses;
    }

    private void handle(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info =
                GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        if (isConcurrent(info.getGcName(), info.getGcCause())) {
            return;
        }
        // GcInfo's duration is whole milliseconds; its start is milliseconds since the JVM started.
        long micros = info.getGcInfo().getDuration() * 1_000;
        record(new Pause(
                info.getGcName(),
                info.getGcAction(),
                info.getGcCause(),
                micros,
                Instant.ofEpochMilli(jvmStartMillis + info.getGcInfo().getStartTime())));
    }

    /** Whether a collector's notification is a concurrent phase (no thread stopped), as Micrometer tells them apart. */
    static boolean isConcurrent(String collector, String cause) {
        return "No GC".equals(cause)
                || collector.endsWith(" Cycles")
                || collector.contains("Concurrent")
                || (collector.startsWith("GPGC") && !collector.endsWith("Pauses"));
    }

    void record(Pause pause) {
        synchronized (recent) {
            count++;
            totalMicros += pause.micros();
            maxMicros = Math.max(maxMicros, pause.micros());
            if (pause.micros() >= MIN_KEPT.toNanos() / 1_000) {
                if (recent.size() == KEPT) {
                    recent.removeFirst();
                }
                recent.addLast(pause);
            }
        }
    }

    /** The pauses of at least {@link #MIN_KEPT} still kept, oldest first. */
    List<Pause> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    /**
     * {@code {"service":…,"pauses":N,"totalMicros":…,"maxMicros":…,"keptFromMicros":20000,
     * "recent":[{"collector":…,"action":…,"cause":…,"micros":…,"startedAt":"…Z"}]}}.
     */
    String toJson(String service) {
        StringBuilder json = new StringBuilder();
        synchronized (recent) {
            json.append(String.format(
                    Locale.ROOT,
                    "{\"service\":%s,\"pauses\":%d,\"totalMicros\":%d,\"maxMicros\":%d,\"keptFromMicros\":%d,\"recent\":[",
                    quoted(service),
                    count,
                    totalMicros,
                    maxMicros,
                    MIN_KEPT.toNanos() / 1_000));
            boolean first = true;
            for (Pause pause : recent) {
                json.append(first ? "" : ",")
                        .append("{\"collector\":")
                        .append(quoted(pause.collector()))
                        .append(",\"action\":")
                        .append(quoted(pause.action()))
                        .append(",\"cause\":")
                        .append(quoted(pause.cause()))
                        .append(",\"micros\":")
                        .append(pause.micros())
                        .append(",\"startedAt\":")
                        .append(quoted(pause.startedAt().toString()))
                        .append('}');
                first = false;
            }
        }
        return json.append("]}").toString();
    }

    private static String quoted(String text) {
        StringBuilder quoted = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c < 0x20) {
                quoted.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException e) {
                // already gone
            }
        }
        emitters.clear();
    }
}
