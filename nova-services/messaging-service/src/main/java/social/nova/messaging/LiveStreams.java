package social.nova.messaging;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

import io.grpc.stub.ServerCallStreamObserver;
import org.jdbi.v3.core.Jdbi;
import social.nova.contracts.messaging.v1.StreamMessagesResponse;
import social.nova.errors.NovaException;

/**
 * This instance's open streams, by user, and the routing of live events to them. An event goes to
 * the streams of the conversation's participants as the participants table says when it arrives,
 * so a user removed from a conversation stops receiving it.
 *
 * <p>Streams exist only while this instance hears the live feed ({@link LiveFeed}): when the feed
 * is lost, every stream ends with UNAVAILABLE and new ones are refused until it is back, so no
 * stream ever stays open while events pass it by. Clients then reconnect and resume with
 * after_message_id, which reads what they missed from PostgreSQL.
 */
final class LiveStreams implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LiveStreams.class.getName());
    private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

    private final Jdbi jdbi;
    private final MessagingStore store;
    private final MessageHistory history;
    private final int maxQueued;
    private final Clock clock;
    private final Presence presence;
    private final Map<UUID, Set<MessageStream>> byUser = new ConcurrentHashMap<>();
    /** Orders opening streams against losing the feed: no stream is registered while the feed is down. */
    private final ReentrantLock lock = new ReentrantLock();

    private boolean live;
    private boolean closing;

    LiveStreams(Jdbi jdbi, MessagingStore store, int maxQueued, Clock clock, Presence presence) {
        this.jdbi = jdbi;
        this.presence = presence;
        this.store = store;
        this.history = MessageHistory.of(jdbi, store);
        this.maxQueued = maxQueued;
        this.clock = clock;
    }

    /**
     * Registers a stream for live events (so that none is missed from now on) and starts its
     * worker, which catches up from PostgreSQL and then delivers them; UNAVAILABLE while this
     * instance does not hear the live feed.
     */
    void open(
            UUID user,
            UUID conversationId,
            UUID after,
            Instant expiresAt,
            ServerCallStreamObserver<StreamMessagesResponse> observer) {
        MessageStream stream =
                new MessageStream(user, conversationId, after, expiresAt, observer, history, maxQueued, clock);
        lock.lock();
        try {
            if (!live) {
                throw NovaException.unavailable(
                        "live delivery is not available on this instance right now; retry", RETRY_AFTER);
            }
            byUser.computeIfAbsent(user, id -> {
                        presence.joined(id);
                        return ConcurrentHashMap.newKeySet();
                    })
                    .add(stream);
        } finally {
            lock.unlock();
        }
        Thread.ofVirtual().name("messaging-stream-" + user).start(() -> stream.run(() -> remove(stream)));
    }

    /** Hands a live event to the streams of the conversation's current participants. */
    void route(LiveEvent event) {
        if (byUser.isEmpty()) {
            return;
        }
        List<UUID> participants;
        try {
            participants = jdbi.withHandle(handle -> store.participants(handle, event.conversationId()));
        } catch (RuntimeException e) {
            // Without the participants the event cannot be routed: rather than drop it, end the
            // streams, whose clients resume from PostgreSQL once it answers again.
            LOG.log(System.Logger.Level.WARNING, "cannot route a live event; ending this instance's streams", e);
            endAll("this instance cannot route live events right now");
            return;
        }
        for (UUID participant : participants) {
            Set<MessageStream> streams = byUser.get(participant);
            if (streams != null) {
                streams.forEach(stream -> stream.offer(event));
            }
        }
    }

    /**
     * The instance drains at shutdown (the kit's drain, after it left Consul): every stream ends
     * with UNAVAILABLE so that its client resumes on another instance at once, instead of holding
     * the shutdown for the drain timeout, and new ones are refused.
     */
    void drain() {
        lock.lock();
        try {
            closing = true;
            live = false;
            endAll("this instance is shutting down");
        } finally {
            lock.unlock();
        }
    }

    /** The feed is subscribed: streams may open (unless the instance is shutting down). */
    void feedUp() {
        lock.lock();
        try {
            live = !closing;
        } finally {
            lock.unlock();
        }
    }

    /** The feed is lost: end every stream (UNAVAILABLE) and refuse new ones until it is back. */
    void feedLost() {
        lock.lock();
        try {
            live = false;
            endAll("this instance lost its live feed");
        } finally {
            lock.unlock();
        }
    }

    /** The users with a stream open on this instance. */
    Set<UUID> connectedUsers() {
        return Set.copyOf(byUser.keySet());
    }

    /** How many streams are open on this instance. */
    int openStreams() {
        return byUser.values().stream().mapToInt(Set::size).sum();
    }

    @Override
    public void close() {
        feedLost();
    }

    private void endAll(String why) {
        NovaException reason =
                NovaException.unavailable(why + "; reconnect and resume with after_message_id", RETRY_AFTER);
        byUser.values().forEach(streams -> streams.forEach(stream -> stream.end(reason)));
    }

    private void remove(MessageStream stream) {
        byUser.computeIfPresent(stream.user(), (user, streams) -> {
            streams.remove(stream);
            if (streams.isEmpty()) {
                presence.left(user);
                return null;
            }
            return streams;
        });
    }
}
