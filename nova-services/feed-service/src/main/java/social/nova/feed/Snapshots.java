package social.nova.feed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.params.SetParams;

/**
 * Feed snapshots in Redis: the ranked list the first page of a GetFeed fixed, with the experiment
 * assignment that ranked it, under {@code nova:feed:snapshot:<id>} for {@code feed.paging.snapshot-ttl}.
 * Later pages read their slice from it, so posts arriving meanwhile neither shift nor repeat items.
 */
final class Snapshots {
    private static final String PREFIX = "nova:feed:snapshot:";
    private static final String NONE = "-";

    private final RedisClient redis;
    private final Duration ttl;

    /** A stored snapshot: whose it is, the assignment that ranked it (null: none), and the ranked posts. */
    record Snapshot(UUID owner, Experiments.Assignment assignment, List<Ranking.Ranked> posts) {}

    Snapshots(RedisClient redis, Duration ttl) {
        this.redis = redis;
        this.ttl = ttl;
    }

    /** Stores the snapshot and returns its id; UNAVAILABLE when Redis cannot take it. */
    UUID save(Snapshot snapshot) {
        UUID id = UUID.randomUUID();
        try {
            redis.set(PREFIX + id, encode(snapshot), SetParams.setParams().px(ttl.toMillis()));
        } catch (JedisException e) {
            throw FeedErrors.snapshotStoreUnavailable(e);
        }
        return id;
    }

    /** The snapshot, or empty once it expired; UNAVAILABLE when Redis cannot answer. */
    Optional<Snapshot> find(UUID id) {
        try {
            return Optional.ofNullable(redis.get(PREFIX + id)).map(Snapshots::decode);
        } catch (JedisException e) {
            throw FeedErrors.snapshotStoreUnavailable(e);
        }
    }

    static String encode(Snapshot snapshot) {
        StringBuilder text = new StringBuilder();
        Experiments.Assignment a = snapshot.assignment();
        text.append(snapshot.owner())
                .append('|')
                .append(a == null ? NONE : a.experimentId())
                .append('|')
                .append(a == null ? NONE : a.experimentKey())
                .append('|')
                .append(a == null ? NONE : a.variant());
        for (Ranking.Ranked post : snapshot.posts()) {
            text.append('\n')
                    .append(post.postId())
                    .append(',')
                    .append(post.authorId())
                    .append(',')
                    .append(post.score());
        }
        return text.toString();
    }

    static Snapshot decode(String text) {
        String[] lines = text.split("\n");
        String[] head = lines[0].split("\\|", -1);
        Experiments.Assignment assignment =
                NONE.equals(head[1]) ? null : new Experiments.Assignment(UUID.fromString(head[1]), head[2], head[3]);
        List<Ranking.Ranked> posts = new ArrayList<>(lines.length - 1);
        for (int i = 1; i < lines.length; i++) {
            String[] fields = lines[i].split(",");
            posts.add(new Ranking.Ranked(
                    UUID.fromString(fields[0]), UUID.fromString(fields[1]), Double.parseDouble(fields[2])));
        }
        return new Snapshot(UUID.fromString(head[0]), assignment, posts);
    }
}
