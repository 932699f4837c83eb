package social.nova.db;

import java.lang.System.Logger.Level;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Handle;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import social.nova.redis.Backoff;
import social.nova.redis.StreamPublisher;
import social.nova.redis.ThrottledLogger;

/**
 * Publishes the committed rows of a schema's {@code outbox} to Redis streams, oldest id first,
 * from a background thread, and marks them published.
 *
 * <p>Each poll is one transaction: take the schema's relay lock, read up to {@code batch-size}
 * unpublished rows in id order, XADD each to {@code <stream-prefix><aggregate type>}, mark the
 * ones that went out, commit. Delivery is at least once: a crash after the XADD and before the
 * commit publishes the row again on the next poll, so every entry carries {@code event-id} for
 * consumers to drop duplicates. When Redis fails mid-batch the relay marks what it published,
 * stops at the failing row (so nothing after it overtakes it) and retries with back-off; rows
 * simply wait in the table. When PostgreSQL fails, the poll fails and is retried the same way,
 * and the pool reconnects by itself.
 *
 * <p>A relay does not wait for its next poll when an event is appended: the outbox's trigger
 * ({@code V3__outbox_notify.sql}) sends a {@code NOTIFY} at each commit that appended to it, and the
 * relay {@code LISTEN}s for it on a connection of its own (outside the pool), so an event leaves
 * a few milliseconds after its commit rather than half a poll interval later on average. With
 * nothing to wake it, it polls every {@code poll-interval}, as it does whenever it cannot listen
 * (that connection lost, PostgreSQL restarting): a lost notification costs at most one interval.
 *
 * <p>Only one relay per schema works at a time: each poll takes a transaction-scoped advisory
 * lock ({@code pg_try_advisory_xact_lock}) keyed by the schema, and a relay that does not get it
 * skips the poll. This keeps a single, ordered publisher however many instances of the service
 * run, without a leader election to maintain: the lock vanishes with the transaction, also when
 * an instance or the database dies. ({@code SELECT ... FOR UPDATE SKIP LOCKED} would let several
 * relays work in parallel, but then a later event of an aggregate could be published by one
 * relay while another still holds an earlier one, breaking the per-aggregate order.)
 *
 * <p>Stream entry fields: {@code event-id}, {@code event-type}, {@code aggregate-type},
 * {@code aggregate-id}, {@code payload}, {@code created-at} (ISO-8601), {@code source-schema},
 * and each header as {@code header.<name>}.
 *
 * <p>Metrics: {@code nova.outbox.published} and {@code nova.outbox.failures}, tagged with
 * {@code schema}.
 */
public final class OutboxRelay implements AutoCloseable {
    private static final System.Logger LOGGER = System.getLogger(OutboxRelay.class.getName());
    private static final String LOCK_PREFIX = "nova.outbox-relay:";
    /** The longest the relay blocks at once while it listens: what {@link #close} may wait for. */
    private static final long LISTEN_SLICE_MILLIS = 250;
    /** Seconds the listening connection may take to open (pgjdbc's default is 10). */
    private static final String LISTEN_CONNECT_TIMEOUT_SECONDS = "2";
    /**
     * After a notification, how long the relay waits for more commits before it polls, at most the
     * poll interval: one poll then takes the events of a burst of commits together, instead of one
     * transaction of its own per commit (measured: a relay woken for every commit added 0.5 to 1.2 ms
     * to the warm p50 of the write edges in ./nova bench core, on two cores).
     */
    private static final Duration NOTIFY_COALESCE = Duration.ofMillis(50);
    /** After listening failed, how long the relay only polls before it opens a connection again. */
    private static final Duration LISTEN_RETRY_AFTER = Duration.ofSeconds(30);

    private final Database database;
    private final StreamPublisher publisher;
    private final OutboxRelaySettings settings;
    private final String schema;
    private final Backoff backoff;
    private final ThrottledLogger failureLog;
    private final Counter published;
    private final Counter failures;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread thread;
    /** The channel the outbox's trigger notifies: the schema's, cut to PostgreSQL's 63 characters. */
    private final String channel;
    /** The connection that LISTENs on {@link #channel}; null until a poll succeeded, and after it failed. */
    private Connection listener;
    /** {@link System#nanoTime} before which the relay does not try to listen again (it failed). */
    private long listenAgainAt = System.nanoTime();

    private OutboxRelay(
            Database database, StreamPublisher publisher, OutboxRelaySettings settings, MeterRegistry registry) {
        this.database = Objects.requireNonNull(database, "database");
        this.publisher = Objects.requireNonNull(publisher, "publisher");
        this.settings = Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(registry, "registry");
        this.schema = database.settings().schema();
        this.backoff = new Backoff(settings.backoffInitial(), settings.backoffMax());
        this.failureLog = new ThrottledLogger(LOGGER, settings.failureLogInterval());
        this.published = Counter.builder("nova.outbox.published")
                .description("Outbox rows published to Redis streams")
                .tag("schema", schema)
                .register(registry);
        this.failures = Counter.builder("nova.outbox.failures")
                .description("Outbox polls that failed (Redis or PostgreSQL unavailable)")
                .tag("schema", schema)
                .register(registry);
        String fullChannel = "nova_outbox_" + schema;
        this.channel = fullChannel.substring(0, Math.min(63, fullChannel.length()));
        this.thread = Thread.ofPlatform()
                .name("nova-outbox-relay-" + schema)
                .daemon(true)
                .unstarted(this::run);
    }

    /**
     * Starts relaying the outbox of {@code database}'s schema.
     *
     * @param database  the service's database (its schema holds the outbox, see {@link Migrations})
     * @param publisher where events go
     * @param settings  polling, batching, streams
     * @param registry  where the metrics go
     */
    public static OutboxRelay start(
            Database database, StreamPublisher publisher, OutboxRelaySettings settings, MeterRegistry registry) {
        OutboxRelay relay = new OutboxRelay(database, publisher, settings, registry);
        relay.thread.start();
        return relay;
    }

    /** Stops after the poll in progress, waiting up to {@code shutdown-timeout}; idempotent. */
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
                    "Outbox relay of schema '" + schema + "' did not stop within " + settings.shutdownTimeout()
                            + "; interrupting it");
            thread.interrupt();
        }
    }

    private void run() {
        try {
            relay();
        } finally {
            stopListening();
        }
    }

    private void relay() {
        int failuresInRow = 0;
        long nextCleanupAt = System.nanoTime();
        while (stopping.getCount() > 0) {
            try {
                Poll poll = database.jdbi().inTransaction(this::publishBatch);
                if (poll.failure() != null) {
                    throw poll.failure();
                }
                failuresInRow = 0;
                if (System.nanoTime() - nextCleanupAt >= 0) {
                    deletePublishedRows();
                    nextCleanupAt =
                            System.nanoTime() + settings.cleanupInterval().toNanos();
                }
                if (poll.published() < settings.batchSize()) {
                    awaitAppend(settings.pollInterval());
                }
            } catch (RuntimeException e) {
                failures.increment();
                failuresInRow++;
                Duration pause = backoff.delay(failuresInRow);
                failureLog.log(
                        Level.WARNING,
                        "Outbox relay of schema '" + schema + "' failed, retrying in " + pause
                                + "; unpublished events stay in the outbox",
                        e);
                pause(pause);
            }
        }
    }

    /**
     * One poll, in the caller's transaction; a publish failure is returned so the marks still commit.
     * The transaction commits without waiting for its WAL to reach the disk ({@code synchronous_commit}
     * off, for this transaction only, set in the same statement as the lock): what it writes is only
     * the "published" marks, and a mark lost in a crash means the row is published again, which
     * at-least-once delivery allows. So the relay's commits do not queue with the services' own
     * durable commits for the disk.
     */
    private Poll publishBatch(Handle handle) {
        boolean leader = handle.createQuery("SELECT pg_try_advisory_xact_lock(hashtextextended(:lock, 0)) "
                        + "AND set_config('synchronous_commit', 'off', true) = 'off'")
                .bind("lock", LOCK_PREFIX + schema)
                .mapTo(Boolean.class)
                .one();
        if (!leader) {
            return new Poll(0, null);
        }
        List<Row> rows = handle.createQuery("""
                        SELECT id, event_id, aggregate_type, aggregate_id, event_type, payload, created_at,
                               ARRAY(SELECT key FROM jsonb_each_text(headers) ORDER BY key) AS header_names,
                               ARRAY(SELECT value FROM jsonb_each_text(headers) ORDER BY key) AS header_values
                        FROM outbox
                        WHERE published_at IS NULL
                        ORDER BY id
                        LIMIT :limit""")
                .bind("limit", settings.batchSize())
                .map((rs, ctx) -> Row.from(rs))
                .list();
        List<Long> done = new ArrayList<>(rows.size());
        RuntimeException failure = null;
        for (Row row : rows) {
            if (stopping.getCount() == 0) {
                break;
            }
            try {
                publisher.publish(settings.streamFor(row.aggregateType()), row.fields(schema));
            } catch (RuntimeException e) {
                failure = e;
                break;
            }
            done.add(row.id());
        }
        if (!done.isEmpty()) {
            handle.createUpdate("UPDATE outbox SET published_at = now() WHERE id = ANY(:ids)")
                    .bindArray("ids", Long.class, done)
                    .execute();
            published.increment(done.size());
        }
        return new Poll(done.size(), failure);
    }

    private void deletePublishedRows() {
        database.jdbi()
                .useHandle(handle -> handle.createUpdate(
                                "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => :seconds)")
                        .bind("seconds", (double) settings.publishedRetention().toSeconds())
                        .execute());
    }

    /**
     * Waits until a commit appends to the outbox (its trigger's notification), {@code max} has
     * passed, or the relay is closing. Listens in slices of {@value #LISTEN_SLICE_MILLIS} ms so that
     * {@link #close} need not wait for {@code max} (a socket read cannot be interrupted). When it
     * cannot listen, it waits out {@code max}, and only polls for {@code LISTEN_RETRY_AFTER} before it
     * opens a connection again (an authentication costs PostgreSQL a few milliseconds of CPU).
     */
    private void awaitAppend(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        if (listener == null && System.nanoTime() - listenAgainAt < 0) {
            pause(max);
            return;
        }
        try {
            PGConnection connection = listening();
            while (stopping.getCount() > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return;
                }
                PGNotification[] notifications = connection.getNotifications((int) Math.min(left, LISTEN_SLICE_MILLIS));
                if (notifications != null && notifications.length > 0) {
                    pause(Duration.ofNanos(
                            Math.min(NOTIFY_COALESCE.toNanos(), Math.max(0, deadline - System.nanoTime()))));
                    return;
                }
            }
        } catch (SQLException | RuntimeException e) {
            stopListening();
            listenAgainAt = System.nanoTime() + LISTEN_RETRY_AFTER.toNanos();
            failureLog.log(
                    Level.WARNING,
                    "Outbox relay of schema '" + schema + "' cannot listen for appended events; polling every " + max
                            + " until it can",
                    e);
            pause(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
    }

    /** The listening connection, opened (and LISTENing) if there is none. */
    private PGConnection listening() throws SQLException {
        if (listener == null) {
            DatabaseSettings db = database.settings();
            Properties properties = new Properties();
            properties.setProperty("user", db.user());
            db.password().ifPresent(password -> properties.setProperty("password", password));
            properties.setProperty("ApplicationName", db.poolName() + "-outbox-listener");
            properties.setProperty("connectTimeout", LISTEN_CONNECT_TIMEOUT_SECONDS);
            properties.setProperty("tcpKeepAlive", "true");
            Connection opened = DriverManager.getConnection(db.url(), properties);
            try (Statement statement = opened.createStatement()) {
                statement.execute("LISTEN \"" + channel + "\"");
            } catch (SQLException e) {
                opened.close();
                throw e;
            }
            listener = opened;
        }
        return listener.unwrap(PGConnection.class);
    }

    private void stopListening() {
        if (listener != null) {
            try {
                listener.close();
            } catch (SQLException e) {
                // Gone already; nothing is listening either way.
            }
            listener = null;
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

    private record Poll(int published, RuntimeException failure) {}

    private record Row(
            long id,
            UUID eventId,
            String aggregateType,
            String aggregateId,
            String eventType,
            String payload,
            OffsetDateTime createdAt,
            Map<String, String> headers) {

        static Row from(ResultSet rs) throws SQLException {
            String[] names = strings(rs.getArray("header_names"));
            String[] values = strings(rs.getArray("header_values"));
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                headers.put(names[i], values[i]);
            }
            return new Row(
                    rs.getLong("id"),
                    rs.getObject("event_id", UUID.class),
                    rs.getString("aggregate_type"),
                    rs.getString("aggregate_id"),
                    rs.getString("event_type"),
                    rs.getString("payload"),
                    rs.getObject("created_at", OffsetDateTime.class),
                    headers);
        }

        Map<String, String> fields(String sourceSchema) {
            return new OutboxEvent(eventId, aggregateType, aggregateId, eventType, payload, headers)
                    .streamFields(sourceSchema, createdAt.toInstant());
        }

        private static String[] strings(Array array) throws SQLException {
            return array == null ? new String[0] : (String[]) array.getArray();
        }
    }
}
