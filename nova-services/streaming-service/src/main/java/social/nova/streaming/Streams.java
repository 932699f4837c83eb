package social.nova.streaming;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import social.nova.db.Outbox;
import social.nova.errors.Violations;
import social.nova.kit.Ids;
import social.nova.kit.Paging;
import social.nova.kit.RateLimits;
import social.nova.redis.RateLimiter;

/**
 * Live streams: their life cycle (STARTING, LIVE, ENDED), who may publish to them (the media
 * server's callbacks) and their viewers ({@link Viewers}). Every change locks the stream's row and
 * commits with its event ({@link StreamEvents}) through the outbox; Redis is told afterwards (an
 * ended stream's viewers are cleared best effort: an ended stream counts none whatever Redis holds).
 */
final class Streams {
    private static final System.Logger LOG = System.getLogger(Streams.class.getName());
    static final int MAX_TITLE = 100;
    static final int MAX_DESCRIPTION = 500;
    private static final int KEY_BYTES = 32;
    private static final int SWEEP_BATCH = 100;

    private final Jdbi jdbi;
    private final StreamStore store;
    private final Viewers viewers;
    private final Audience audience;
    private final MediaServer mediaServer;
    private final RateLimiter startLimit;
    private final Paging paging;
    private final StreamingSettings settings;
    private final Clock clock;
    private final Instant sweepLiveFrom;
    private final SecureRandom random = new SecureRandom();

    /** A stream as a caller sees it: with its viewers now and its peak. */
    record StreamView(Stream stream, long viewers, long peakViewers) {}

    /** StartStream's answer: the new stream and its key (the only time the key is known). */
    record Started(Stream stream, String key) {}

    /** JoinStream's answer. */
    record Joined(StreamView view, Instant presenceExpiresAt) {}

    /** One page of live streams. */
    record LivePage(List<StreamView> streams, String nextCursor) {}

    Streams(
            Jdbi jdbi,
            StreamStore store,
            Viewers viewers,
            Audience audience,
            MediaServer mediaServer,
            RateLimiter startLimit,
            Paging paging,
            StreamingSettings settings,
            Clock clock) {
        this.jdbi = jdbi;
        this.store = store;
        this.viewers = viewers;
        this.audience = audience;
        this.mediaServer = mediaServer;
        this.startLimit = startLimit;
        this.paging = paging;
        this.settings = settings;
        this.clock = clock;
        // An instance that just started has not heard the media server's updates of a publisher
        // timeout yet (it may have been down for all of them): it ends no LIVE stream before then.
        this.sweepLiveFrom = clock.instant().plus(settings.publisherTimeout());
    }

    /** A new STARTING stream of the caller's, and its secret key. */
    Started start(UUID caller, String title, String description) {
        String cleanTitle = title == null ? "" : title.strip();
        String cleanDescription = description == null ? "" : description.strip();
        int titleLength = cleanTitle.codePointCount(0, cleanTitle.length());
        new Violations()
                .require(
                        titleLength >= 1 && titleLength <= MAX_TITLE,
                        "title",
                        "must be 1 to " + MAX_TITLE + " characters after trimming")
                .require(
                        cleanDescription.codePointCount(0, cleanDescription.length()) <= MAX_DESCRIPTION,
                        "description",
                        "must be at most " + MAX_DESCRIPTION + " characters")
                .throwIfAny();
        RateLimits.enforce(startLimit, caller.toString(), StreamingErrors.DOMAIN);

        byte[] keyBytes = new byte[KEY_BYTES];
        random.nextBytes(keyBytes);
        String key = Base64.getUrlEncoder().withoutPadding().encodeToString(keyBytes);
        Stream stream = new Stream(
                UUID.randomUUID(),
                caller,
                cleanTitle,
                cleanDescription,
                Stream.Status.STARTING,
                hash(key),
                now(),
                null,
                null,
                null,
                null,
                0);
        jdbi.useTransaction(handle -> {
            if (!store.insert(handle, stream)) {
                throw StreamingErrors.alreadyLive(
                        store.openOf(handle, caller).map(Stream::id).orElse(stream.id()));
            }
        });
        return new Started(stream, key);
    }

    /** Ends one of the caller's streams (ending it again succeeds) and disconnects its publisher. */
    StreamView end(UUID caller, String streamId) {
        UUID id = streamId(streamId);
        Ending ending = jdbi.inTransaction(handle -> {
            Stream stream = store.lock(handle, id).orElseThrow(() -> StreamingErrors.streamNotFound(id));
            if (!stream.ownerId().equals(caller)) {
                throw StreamingErrors.notOwner();
            }
            return stream.ended() ? new Ending(stream, false) : endLocked(handle, stream, Stream.EndReason.OWNER_ENDED);
        });
        afterEnding(ending);
        return new StreamView(ending.stream(), 0, ending.stream().peakViewers());
    }

    /** Counts the caller as a viewer for the presence ttl (again: renewed); the stream with its viewers. */
    Joined join(UUID caller, String streamId) {
        Stream stream = visible(caller, streamId(streamId));
        if (stream.ended()) {
            throw StreamingErrors.streamEnded(stream.id());
        }
        Instant expiresAt = clock.instant().plus(viewers.ttl()).truncatedTo(ChronoUnit.MILLIS);
        Viewers.Count count;
        try {
            count = viewers.join(stream.id(), caller, expiresAt.toEpochMilli());
        } catch (RuntimeException e) {
            throw StreamingErrors.viewersUnavailable(e);
        }
        return new Joined(new StreamView(stream, count.viewers(), count.peak()), expiresAt);
    }

    /** Stops counting the caller; leaving a stream not joined, or ended, succeeds. */
    void leave(UUID caller, String streamId) {
        UUID id = streamId(streamId);
        Stream stream =
                jdbi.withHandle(handle -> store.byId(handle, id)).orElseThrow(() -> StreamingErrors.streamNotFound(id));
        if (stream.ended()) {
            return;
        }
        try {
            viewers.leave(id, caller);
        } catch (RuntimeException e) {
            throw StreamingErrors.viewersUnavailable(e);
        }
    }

    /** The stream as the caller may see it: NOT_FOUND when it does not exist or its owner and the caller block each other. */
    StreamView get(UUID caller, String streamId) {
        return view(visible(caller, streamId(streamId)));
    }

    /** Viewers now (0 once ended) and the peak. */
    Viewers.Count viewerCount(String streamId) {
        UUID id = streamId(streamId);
        Stream stream =
                jdbi.withHandle(handle -> store.byId(handle, id)).orElseThrow(() -> StreamingErrors.streamNotFound(id));
        StreamView view = view(stream);
        return new Viewers.Count(view.viewers(), view.peakViewers());
    }

    /**
     * Live streams, most recently started first, leaving out those whose owner and the caller block
     * each other (so a page may hold fewer than {@code limit}; its cursor still leads on).
     */
    LivePage live(UUID caller, int limit, String cursor) {
        Violations violations = new Violations();
        Paging.Query query = paging.read(limit, cursor, "ListLiveStreams", violations);
        violations.throwIfAny();
        Paging.Page<Stream> page = jdbi.withHandle(handle -> paging.page(
                store.live(handle, query.after(), query.limit() + 1),
                query,
                "ListLiveStreams",
                stream -> new Paging.Position(stream.startedAt(), stream.id())));
        Set<UUID> blocked = audience.blockedAmong(
                caller, page.items().stream().map(Stream::ownerId).toList());
        List<Stream> shown = page.items().stream()
                .filter(stream -> !blocked.contains(stream.ownerId()))
                .toList();
        Map<UUID, Long> counts;
        try {
            counts = viewers.renewAndCount(shown.stream().map(Stream::id).toList(), Map.of());
        } catch (RuntimeException e) {
            throw StreamingErrors.viewersUnavailable(e);
        }
        List<StreamView> views = new ArrayList<>();
        for (Stream stream : shown) {
            views.add(new StreamView(stream, counts.getOrDefault(stream.id(), 0L), stream.peakViewers()));
        }
        return new LivePage(views, page.nextCursor());
    }

    /** The stream for WatchStream: NOT_FOUND as for {@link #get}. */
    Stream watchable(UUID caller, String streamId) {
        return visible(caller, streamId(streamId));
    }

    // The media server's callbacks. Each answers whether the media server should go on; the
    // reason of a refusal is logged, never told (the caller may be anyone who reaches the port).

    /** May stream {@code name} be published with {@code key}? Yes once: STARTING becomes LIVE. */
    boolean publish(String name, String key) {
        Optional<UUID> id = parse(name);
        if (id.isEmpty() || key == null || key.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Publish refused: no stream id or no key");
            return false;
        }
        return jdbi.inTransaction(handle -> {
            Optional<Stream> found = store.lock(handle, id.get());
            String refusal = found.isEmpty() ? "no such stream" : refusal(found.get(), key, Stream.Status.STARTING);
            if (refusal != null) {
                LOG.log(System.Logger.Level.INFO, "Publish to stream " + id.get() + " refused: " + refusal);
                return false;
            }
            Stream stream = found.get();
            Instant now = now();
            store.goLive(handle, stream.id(), now);
            Outbox.append(handle, StreamEvents.started(stream, settings.playbackUrlOf(stream.id()), now));
            return true;
        });
    }

    /** The media server's periodic word that the publisher of a LIVE stream is still there; false drops it. */
    boolean update(String name, String key) {
        Optional<UUID> id = parse(name);
        if (id.isEmpty() || key == null) {
            return false;
        }
        return jdbi.inTransaction(handle -> {
            Optional<Stream> found = store.byId(handle, id.get());
            String refusal = found.isEmpty() ? "no such stream" : refusal(found.get(), key, Stream.Status.LIVE);
            if (refusal != null) {
                LOG.log(System.Logger.Level.INFO, "Publisher of stream " + id.get() + " dropped: " + refusal);
                return false;
            }
            return store.publisherSeen(handle, id.get(), now());
        });
    }

    /**
     * The publisher of stream {@code name} stopped: a LIVE stream published with {@code key} ends. A
     * refused publish with another key (someone guessing) ends nothing.
     */
    void publishDone(String name, String key) {
        Optional<UUID> id = parse(name);
        if (id.isEmpty() || key == null) {
            return;
        }
        Optional<Ending> ending = jdbi.inTransaction(handle -> store.lock(handle, id.get())
                .filter(stream -> refusal(stream, key, Stream.Status.LIVE) == null)
                .map(stream -> endLocked(handle, stream, Stream.EndReason.PUBLISHER_STOPPED)));
        ending.ifPresent(this::afterEnding);
    }

    /**
     * Ends the streams that must end by themselves: STARTING for longer than the start timeout, LIVE
     * without word of the publisher for longer than the publisher timeout. Instances sweep
     * concurrently without ending a stream twice (locked rows are skipped). Returns how many ended.
     */
    int sweep() {
        Instant now = clock.instant();
        Instant seenBefore = now.isBefore(sweepLiveFrom) ? null : now.minus(settings.publisherTimeout());
        List<Ending> endings = jdbi.inTransaction(handle -> {
            List<Ending> ended = new ArrayList<>();
            for (Stream stream : store.overdue(handle, now.minus(settings.startTimeout()), seenBefore, SWEEP_BATCH)) {
                Stream.EndReason reason = stream.status() == Stream.Status.STARTING
                        ? Stream.EndReason.NEVER_PUBLISHED
                        : Stream.EndReason.PUBLISHER_LOST;
                ended.add(endLocked(handle, stream, reason));
            }
            return ended;
        });
        endings.forEach(this::afterEnding);
        endings.forEach(ending -> LOG.log(
                System.Logger.Level.INFO,
                "Stream " + ending.stream().id() + " ended by itself: "
                        + ending.stream().endReason()));
        return endings.size();
    }

    /** Why {@code key} may not act on {@code stream} expected in {@code status}, or null when it may. */
    private static String refusal(Stream stream, String key, Stream.Status status) {
        if (!MessageDigest.isEqual(hash(key), stream.keyHash())) {
            return "wrong key";
        }
        if (stream.status() != status) {
            return "the stream is " + stream.status() + ", not " + status;
        }
        return null;
    }

    /** A stream ended in this transaction, and whether it had a publisher to disconnect. */
    private record Ending(Stream stream, boolean changed) {}

    private Ending endLocked(Handle handle, Stream stream, Stream.EndReason reason) {
        long peak = stream.peakViewers();
        try {
            peak = Math.max(peak, viewers.peak(stream.id()));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "The peak of stream " + stream.id() + " is unknown (Redis)", e);
        }
        Instant now = now();
        store.end(handle, stream.id(), now, reason, peak);
        Outbox.append(handle, StreamEvents.ended(stream, reason, peak, now));
        return new Ending(store.byId(handle, stream.id()).orElseThrow(), true);
    }

    private void afterEnding(Ending ending) {
        if (!ending.changed()) {
            return;
        }
        UUID id = ending.stream().id();
        try {
            viewers.clear(id);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Viewers of ended stream " + id + " not cleared; they expire", e);
        }
        if (ending.stream().liveAt() != null) {
            mediaServer.dropPublisher(id);
        }
    }

    private Stream visible(UUID caller, UUID id) {
        Stream stream =
                jdbi.withHandle(handle -> store.byId(handle, id)).orElseThrow(() -> StreamingErrors.streamNotFound(id));
        if (audience.blocked(caller, stream.ownerId())) {
            throw StreamingErrors.streamNotFound(id);
        }
        return stream;
    }

    private StreamView view(Stream stream) {
        if (stream.ended()) {
            return new StreamView(stream, 0, stream.peakViewers());
        }
        try {
            Viewers.Count count = viewers.count(stream.id());
            return new StreamView(stream, count.viewers(), count.peak());
        } catch (RuntimeException e) {
            throw StreamingErrors.viewersUnavailable(e);
        }
    }

    private static UUID streamId(String streamId) {
        Violations violations = new Violations();
        UUID id = Ids.parse(streamId, "stream_id", violations);
        violations.throwIfAny();
        return id;
    }

    private static Optional<UUID> parse(String name) {
        return name != null && Ids.isUuid(name) ? Optional.of(UUID.fromString(name)) : Optional.empty();
    }

    static byte[] hash(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }

    /** PostgreSQL keeps microseconds: answers must show the time a later read will show. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
