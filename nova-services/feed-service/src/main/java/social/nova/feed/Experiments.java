package social.nova.feed;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.LoadingCache;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import social.nova.errors.Violations;
import social.nova.kit.Ids;

/**
 * Ranking experiments ({@code feed.experiments}): lookup, deterministic assignment
 * ({@link Assignments}) and listing. Experiments are defined by Flyway scripts; the service only
 * reads them.
 */
final class Experiments {
    static final Pattern KEY = Pattern.compile("^[a-z0-9-]{1,64}$");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COLUMNS =
            "id, key, description, status, variants::text AS variants, started_at, ended_at";

    /** How long the ranking's view of an experiment may be stale. */
    static final Duration RANKING_CACHE = Duration.ofSeconds(5);

    private final Jdbi jdbi;
    private final Cursors cursors;
    private final LoadingCache<String, Optional<Experiment>> ranking;

    /** A user's variant in a running experiment. */
    record Assignment(UUID experimentId, String experimentKey, String variant) {}

    /** One page of experiments and the cursor of the next (null on the last page). */
    record ExperimentPage(List<Experiment> experiments, String nextCursor) {}

    Experiments(Jdbi jdbi, Cursors cursors) {
        this.jdbi = jdbi;
        this.cursors = cursors;
        this.ranking = Caffeine.newBuilder()
                .expireAfterWrite(RANKING_CACHE)
                .maximumSize(100)
                .build(this::findByKey);
    }

    /**
     * The caller's variant in the experiment named by exactly one of {@code experimentId} and
     * {@code experimentKey}: NOT_FOUND if there is none, FAILED_PRECONDITION EXPERIMENT_NOT_RUNNING
     * for a draft or ended one.
     */
    Assignment assignment(UUID caller, String experimentId, String experimentKey) {
        boolean byId = !experimentId.isEmpty();
        boolean byKey = !experimentKey.isEmpty();
        Violations violations = new Violations();
        UUID id = null;
        if (byId == byKey) {
            violations.add("experiment_id", "give exactly one of experiment_id and experiment_key");
        } else if (byId) {
            id = Ids.parse(experimentId, "experiment_id", violations);
        } else if (!KEY.matcher(experimentKey).matches()) {
            violations.add("experiment_key", "must be 1..64 characters of a-z, 0-9 and -");
        }
        violations.throwIfAny();

        UUID finalId = id;
        Experiment experiment = (byId ? findById(finalId) : findByKey(experimentKey))
                .orElseThrow(() -> FeedErrors.experimentNotFound(byId ? experimentId : experimentKey));
        if (experiment.status() != Experiment.Status.RUNNING) {
            throw FeedErrors.experimentNotRunning(experiment);
        }
        return assign(caller, experiment);
    }

    /**
     * The caller's assignment in the running experiment {@code key}, if it exists and runs. Asked on
     * every GetFeed, so the experiment is read through a cache of {@link #RANKING_CACHE}: starting or
     * ending it reaches the feed's ranking within that time (GetExperimentAssignment reads it fresh).
     */
    Optional<Assignment> runningAssignment(UUID caller, String key) {
        return ranking.get(key)
                .filter(e -> e.status() == Experiment.Status.RUNNING)
                .map(e -> assign(caller, e));
    }

    /** Most recently started first, drafts last; {@code status} null lists all. */
    ExperimentPage list(Experiment.Status status, boolean statusValid, int limit, String cursor) {
        Violations violations = new Violations();
        if (!statusValid) {
            violations.add("status", "is not an ExperimentStatus");
        }
        String scope = "ListExperiments:" + (status == null ? "ANY" : status.name());
        Cursors.Query query = cursors.read(limit, cursor, scope, violations);
        violations.throwIfAny();

        int offset = query.after() == null ? 0 : query.after().offset();
        List<Experiment> rows = jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM experiments "
                        + (status == null ? "" : "WHERE status = :status ")
                        + "ORDER BY started_at DESC NULLS LAST, key LIMIT :limit OFFSET :offset")
                .bind("status", status == null ? null : status.name())
                .bind("limit", query.limit() + 1)
                .bind("offset", offset)
                .map(Experiments::experiment)
                .list());
        if (rows.size() <= query.limit()) {
            return new ExperimentPage(rows, null);
        }
        return new ExperimentPage(
                List.copyOf(rows.subList(0, query.limit())),
                cursors.encode(scope, Cursors.NO_SNAPSHOT, offset + query.limit()));
    }

    private static Assignment assign(UUID caller, Experiment experiment) {
        return new Assignment(experiment.id(), experiment.key(), Assignments.variant(caller, experiment));
    }

    private Optional<Experiment> findById(UUID id) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM experiments WHERE id = :id")
                .bind("id", id)
                .map(Experiments::experiment)
                .findOne());
    }

    private Optional<Experiment> findByKey(String key) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT " + COLUMNS + " FROM experiments WHERE key = :key")
                .bind("key", key)
                .map(Experiments::experiment)
                .findOne());
    }

    private static Experiment experiment(ResultSet rs, StatementContext ctx) throws SQLException {
        Timestamp started = rs.getTimestamp("started_at");
        Timestamp ended = rs.getTimestamp("ended_at");
        return new Experiment(
                rs.getObject("id", UUID.class),
                rs.getString("key"),
                rs.getString("description"),
                Experiment.Status.valueOf(rs.getString("status")),
                variants(rs.getString("variants")),
                started == null ? null : started.toInstant(),
                ended == null ? null : ended.toInstant());
    }

    private static List<Experiment.Variant> variants(String json) {
        try {
            List<Experiment.Variant> variants = new ArrayList<>();
            for (JsonNode node : JSON.readTree(json)) {
                variants.add(new Experiment.Variant(
                        node.get("name").asText(), node.get("trafficPercent").asInt()));
            }
            return variants;
        } catch (IOException e) {
            throw new UncheckedIOException("experiment variants are not JSON", e);
        }
    }
}
