package social.nova.feed;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * A ranking experiment as stored in {@code feed.experiments}.
 *
 * @param startedAt null for drafts
 * @param endedAt   null unless ended
 */
record Experiment(
        UUID id,
        String key,
        String description,
        Status status,
        List<Variant> variants,
        Instant startedAt,
        Instant endedAt) {

    /** The life cycle of an experiment (the contract's ExperimentStatus without UNSPECIFIED). */
    enum Status {
        DRAFT,
        RUNNING,
        ENDED
    }

    /** One arm: its name and its share of users, 0..100. */
    record Variant(String name, int trafficPercent) {}

    Experiment {
        variants = List.copyOf(variants);
    }
}
