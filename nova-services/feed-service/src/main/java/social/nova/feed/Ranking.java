package social.nova.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;

/**
 * The feed ranking models, picked by the caller's variant of the ranking experiment. Scores are
 * higher for better posts and comparable only within one snapshot; ties go to the newer post.
 */
enum Ranking {
    /** Newest first: the score is the post's creation time in epoch seconds. */
    CHRONOLOGICAL {
        @Override
        double score(Candidate candidate, Instant now) {
            return candidate.createdAt().getEpochSecond()
                    + candidate.createdAt().getNano() / 1e9;
        }
    },
    /**
     * Likes weighted by age (Hacker-News style): {@code (likes + 1) / (ageHours + 2)^1.5}. A new post
     * without likes scores 0.35; after a day it needs about 40 likes to keep that score.
     */
    ENGAGEMENT {
        @Override
        double score(Candidate candidate, Instant now) {
            double ageHours =
                    Math.max(0, Duration.between(candidate.createdAt(), now).toMillis()) / 3_600_000.0;
            return (candidate.likes() + 1) / Math.pow(ageHours + 2, 1.5);
        }
    };

    /** The variant name of the ranking experiment that picks this ranking. */
    String variant() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The ranking a variant stands for; chronological for no variant or one this service does not know. */
    static Ranking forVariant(String variant) {
        return ENGAGEMENT.variant().equals(variant) ? ENGAGEMENT : CHRONOLOGICAL;
    }

    /** A post that may go into a feed, with what the rankings need. */
    record Candidate(UUID postId, UUID authorId, Instant createdAt, long likes) {}

    /** A ranked post. */
    record Ranked(UUID postId, UUID authorId, double score) {}

    abstract double score(Candidate candidate, Instant now);

    /** Best first; equal scores: newer first, then by id, so the order is total. */
    List<Ranked> rank(List<Candidate> candidates, Instant now) {
        record Scored(Candidate candidate, double score) {}
        return candidates.stream()
                .map(c -> new Scored(c, score(c, now)))
                .sorted(Comparator.comparingDouble(Scored::score)
                        .reversed()
                        .thenComparing(s -> s.candidate().createdAt(), Comparator.reverseOrder())
                        .thenComparing(s -> s.candidate().postId(), Comparator.reverseOrder()))
                .map(s -> new Ranked(s.candidate().postId(), s.candidate().authorId(), s.score()))
                .toList();
    }
}
