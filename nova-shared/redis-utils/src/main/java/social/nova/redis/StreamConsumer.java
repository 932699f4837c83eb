package social.nova.redis;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.XClaimParams;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Reads a Redis stream as one consumer of a consumer group and hands each entry to a
 * {@link StreamHandler}, on a thread of its own.
 *
 * <ul>
 *   <li>The group is created (with the stream, MKSTREAM) if missing, and again if Redis lost it
 *       (a restart without persistence).</li>
 *   <li>New entries come from XREADGROUP with a block timeout; a handled entry is XACKed.</li>
 *   <li>A failed entry stays pending. Every {@code claim-interval} the consumer looks for entries
 *       of any consumer in the group idle longer than {@code claim-min-idle} (failed, or left by a
 *       consumer that died) and claims them (XPENDING + XCLAIM, which counts deliveries).</li>
 *   <li>An entry whose handler failed on its {@code max-deliveries}-th delivery, or that was
 *       delivered that often without an acknowledgement, is appended to {@code <stream>.dlq} with
 *       its original id and fields, the error, group and consumer, and acknowledged, atomically.</li>
 *   <li>When Redis is unreachable the loop pauses with exponential back-off and carries on when it
 *       returns; the pooled client reconnects by itself.</li>
 * </ul>
 *
 * <p>Metrics: {@code nova.redis.stream.processed}, {@code .failed}, {@code .deadlettered}, tagged
 * with {@code stream} and {@code group}.
 *
 * <p>The thread is a platform thread: it spends its life in blocking socket reads, and Jedis's
 * pool synchronizes in ways that would pin a virtual thread's carrier on Java 21.
 */
public final class StreamConsumer implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(StreamConsumer.class.getName());
    /** Dead-letter error texts are cut here; a stack of causes is not useful in a stream entry. */
    private static final int MAX_ERROR_LENGTH = 1000;

    // KEYS[1] stream, KEYS[2] dead-letter stream; ARGV[1] group, ARGV[2] entry id, ARGV[3..] fields.
    private static final LuaScript DEAD_LETTER = new LuaScript("""
            redis.call('XADD', KEYS[2], '*', unpack(ARGV, 3))
            return redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
            """);

    private final UnifiedJedis redis;
    private final StreamConsumerSettings settings;
    private final StreamHandler handler;
    private final Backoff backoff;
    private final ThrottledLogger failureLog;
    private final ThrottledLogger handlerLog;
    private final Counter processed;
    private final Counter failed;
    private final Counter deadLettered;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;

    private StreamConsumer(
            UnifiedJedis redis, StreamConsumerSettings settings, StreamHandler handler, MeterRegistry registry) {
        this.redis = Objects.requireNonNull(redis, "redis");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.handler = Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(registry, "registry");
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax());
        this.failureLog = new ThrottledLogger(LOGGER, settings.failureLogInterval());
        this.handlerLog = new ThrottledLogger(LOGGER, settings.failureLogInterval());
        this.processed = counter(registry, "processed", "Stream entries handled and acknowledged");
        this.failed = counter(registry, "failed", "Stream entry deliveries whose handler failed");
        this.deadLettered = counter(registry, "deadlettered", "Stream entries moved to the dead-letter stream");
        this.thread = Thread.ofPlatform()
                .name("nova-stream-" + settings.stream() + "-" + settings.group() + "-" + settings.consumer())
                .daemon(true)
                .unstarted(this::run);
    }

    /**
     * Starts consuming at once.
     *
     * @param redis    the shared client (not closed by the consumer); its blocking-socket-timeout
     *                 must exceed {@code block-timeout}
     * @param settings stream, group, consumer and retry policy
     * @param handler  called for each entry, one at a time, on the consumer's thread
     * @param registry where the metrics go
     */
    public static StreamConsumer start(
            UnifiedJedis redis, StreamConsumerSettings settings, StreamHandler handler, MeterRegistry registry) {
        StreamConsumer consumer = new StreamConsumer(redis, settings, handler, registry);
        consumer.thread.start();
        return consumer;
    }

    public StreamConsumerSettings settings() {
        return settings;
    }

    /**
     * Stops reading and waits up to {@code shutdown-timeout} for the entry in hand to finish; an
     * unfinished entry stays pending and is retried by another consumer. Then, if this consumer
     * holds no pending entries, removes it from the group. Calling it again does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopping.countDown();
        try {
            thread.join(settings.shutdownTimeout());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            LOGGER.log(
                    Level.WARNING,
                    "Stream consumer " + describe() + " did not stop within " + settings.shutdownTimeout()
                            + "; interrupting it");
            thread.interrupt();
            return;
        }
        removeConsumerIfIdle();
    }

    private void run() {
        boolean groupReady = false;
        long nextClaimAt = System.nanoTime();
        int failuresInRow = 0;
        while (stopping.getCount() > 0) {
            try {
                if (!groupReady) {
                    ensureGroup();
                    groupReady = true;
                }
                if (System.nanoTime() - nextClaimAt >= 0) {
                    reclaimIdle();
                    nextClaimAt = System.nanoTime() + settings.claimInterval().toNanos();
                }
                readNew();
                failuresInRow = 0;
            } catch (JedisException e) {
                if (isNoGroup(e)) {
                    groupReady = false;
                }
                failuresInRow++;
                Duration pause = backoff.delay(failuresInRow);
                failureLog.log(
                        Level.WARNING, "Stream consumer " + describe() + ": Redis failed, retrying in " + pause, e);
                pause(pause);
            } catch (RuntimeException e) {
                failuresInRow++;
                LOGGER.log(Level.ERROR, "Stream consumer " + describe() + ": unexpected failure", e);
                pause(backoff.delay(failuresInRow));
            }
        }
    }

    private void ensureGroup() {
        StreamEntryID start = settings.startFrom() == StreamConsumerSettings.StartFrom.BEGINNING
                ? new StreamEntryID(0, 0)
                : StreamEntryID.XGROUP_LAST_ENTRY;
        try {
            redis.xgroupCreate(settings.stream(), settings.group(), start, true);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
    }

    private void readNew() {
        XReadGroupParams params = XReadGroupParams.xReadGroupParams()
                .count(settings.batchSize())
                .block(Math.toIntExact(settings.blockTimeout().toMillis()));
        List<Map.Entry<String, List<StreamEntry>>> batch = redis.xreadGroup(
                settings.group(),
                settings.consumer(),
                params,
                Map.of(settings.stream(), StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));
        if (batch == null) {
            return;
        }
        for (Map.Entry<String, List<StreamEntry>> perStream : batch) {
            for (StreamEntry entry : perStream.getValue()) {
                if (stopping.getCount() == 0) {
                    return; // the rest stays pending and is reclaimed by another consumer
                }
                deliver(entry, 1);
            }
        }
    }

    /** Claims entries of any consumer idle past claim-min-idle and retries or dead-letters them. */
    private void reclaimIdle() {
        long minIdle = settings.claimMinIdle().toMillis();
        List<StreamPendingEntry> pending = redis.xpending(
                settings.stream(),
                settings.group(),
                XPendingParams.xPendingParams(StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, settings.batchSize())
                        .idle(minIdle));
        for (StreamPendingEntry idle : pending) {
            if (stopping.getCount() == 0) {
                return;
            }
            // XCLAIM re-checks the idle time, so of several consumers racing only one wins.
            List<StreamEntry> claimed = redis.xclaim(
                    settings.stream(),
                    settings.group(),
                    settings.consumer(),
                    minIdle,
                    XClaimParams.xClaimParams(),
                    idle.getID());
            if (claimed.isEmpty() || claimed.get(0) == null) {
                continue; // claimed by another consumer, or trimmed from the stream meanwhile
            }
            long delivery = idle.getDeliveredTimes() + 1;
            if (idle.getDeliveredTimes() >= settings.maxDeliveries()) {
                deadLetter(
                        claimed.get(0),
                        delivery - 1,
                        "delivered " + idle.getDeliveredTimes() + " times without an acknowledgement");
            } else {
                deliver(claimed.get(0), delivery);
            }
        }
    }

    private void deliver(StreamEntry entry, long delivery) {
        if (entry.getFields() == null) {
            // Deleted from the stream while pending: nothing to hand over.
            redis.xack(settings.stream(), settings.group(), entry.getID());
            return;
        }
        StreamMessage message =
                new StreamMessage(settings.stream(), entry.getID().toString(), entry.getFields(), delivery);
        try {
            handler.handle(message);
        } catch (Exception e) {
            failed.increment();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (delivery >= settings.maxDeliveries()) {
                deadLetter(entry, delivery, describe(e));
            } else {
                handlerLog.log(
                        Level.WARNING,
                        "Stream consumer " + describe() + ": handler failed on " + entry.getID() + " (delivery "
                                + delivery + " of " + settings.maxDeliveries() + "), will retry",
                        e);
            }
            return;
        }
        redis.xack(settings.stream(), settings.group(), entry.getID());
        processed.increment();
    }

    private void deadLetter(StreamEntry entry, long deliveries, String error) {
        List<String> args = new ArrayList<>();
        args.add(settings.group());
        args.add(entry.getID().toString());
        Map<String, String> fields = entry.getFields() == null ? Map.of() : entry.getFields();
        fields.forEach((name, value) -> {
            args.add(name);
            args.add(value);
        });
        addField(args, "dlq-original-id", entry.getID().toString());
        addField(args, "dlq-stream", settings.stream());
        addField(args, "dlq-group", settings.group());
        addField(args, "dlq-consumer", settings.consumer());
        addField(args, "dlq-deliveries", Long.toString(deliveries));
        addField(args, "dlq-error", error);
        DEAD_LETTER.run(redis, List.of(settings.stream(), settings.deadLetterStream()), args);
        deadLettered.increment();
        LOGGER.log(
                Level.WARNING,
                "Stream consumer " + describe() + ": moved " + entry.getID() + " to " + settings.deadLetterStream()
                        + " after " + deliveries + " deliveries: " + error);
    }

    private void removeConsumerIfIdle() {
        try {
            List<StreamPendingEntry> mine = redis.xpending(
                    settings.stream(),
                    settings.group(),
                    XPendingParams.xPendingParams(StreamEntryID.MINIMUM_ID, StreamEntryID.MAXIMUM_ID, 1)
                            .consumer(settings.consumer()));
            if (mine.isEmpty()) {
                redis.xgroupDelConsumer(settings.stream(), settings.group(), settings.consumer());
            }
        } catch (JedisException e) {
            // Best effort: a leftover idle consumer entry is harmless.
            LOGGER.log(Level.DEBUG, "Could not remove consumer " + describe() + " from its group: " + e);
        }
    }

    private void pause(Duration delay) {
        try {
            stopping.await(delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping.countDown();
        }
    }

    private static void addField(List<String> args, String name, String value) {
        args.add(name);
        args.add(value);
    }

    private static boolean isNoGroup(JedisException e) {
        return e instanceof JedisDataException
                && e.getMessage() != null
                && e.getMessage().startsWith("NOGROUP");
    }

    private static String describe(Exception e) {
        String text =
                e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return text.length() <= MAX_ERROR_LENGTH ? text : text.substring(0, MAX_ERROR_LENGTH);
    }

    private String describe() {
        return settings.stream() + "/" + settings.group() + "/" + settings.consumer();
    }

    private Counter counter(MeterRegistry registry, String what, String description) {
        return Counter.builder("nova.redis.stream." + what)
                .description(description)
                .tag("stream", settings.stream())
                .tag("group", settings.group())
                .register(registry);
    }
}
