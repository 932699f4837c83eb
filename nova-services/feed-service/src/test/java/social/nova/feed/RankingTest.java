package social.nova.feed;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RankingTest {
    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");
    private static final UUID AUTHOR = UUID.randomUUID();

    private final Ranking.Candidate old = candidate("00000000-0000-0000-0000-000000000001", Duration.ofHours(20), 50);
    private final Ranking.Candidate recent = candidate("00000000-0000-0000-0000-000000000002", Duration.ofHours(2), 0);
    private final Ranking.Candidate newest =
            candidate("00000000-0000-0000-0000-000000000003", Duration.ofMinutes(5), 0);

    @Test
    void chronologicalIsNewestFirst() {
        assertThat(ids(Ranking.CHRONOLOGICAL.rank(List.of(old, newest, recent), NOW)))
                .containsExactly(newest.postId(), recent.postId(), old.postId());
    }

    @Test
    void engagementLetsAMuchLikedPostBeatNewerOnes() {
        List<Ranking.Ranked> ranked = Ranking.ENGAGEMENT.rank(List.of(recent, newest, old), NOW);
        // old: 51 / 22^1.5 = 0.494; newest: 1 / 2.083^1.5 = 0.333; recent: 1 / 4^1.5 = 0.125
        assertThat(ids(ranked)).containsExactly(old.postId(), newest.postId(), recent.postId());
        assertThat(ranked.getFirst().score())
                .isCloseTo(51 / Math.pow(22, 1.5), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void equalScoresGoNewestFirstThenByIdSoTheOrderIsTotal() {
        Ranking.Candidate a = candidate("00000000-0000-0000-0000-00000000000a", Duration.ofHours(1), 0);
        Ranking.Candidate b = candidate("00000000-0000-0000-0000-00000000000b", Duration.ofHours(1), 0);
        assertThat(ids(Ranking.CHRONOLOGICAL.rank(List.of(a, b), NOW))).containsExactly(b.postId(), a.postId());
    }

    @Test
    void variantsPickRankingsAndUnknownOnesAreChronological() {
        assertThat(Ranking.forVariant("engagement")).isEqualTo(Ranking.ENGAGEMENT);
        assertThat(Ranking.forVariant("chronological")).isEqualTo(Ranking.CHRONOLOGICAL);
        assertThat(Ranking.forVariant("something-new")).isEqualTo(Ranking.CHRONOLOGICAL);
        assertThat(Ranking.forVariant(null)).isEqualTo(Ranking.CHRONOLOGICAL);
    }

    private static Ranking.Candidate candidate(String id, Duration age, long likes) {
        return new Ranking.Candidate(UUID.fromString(id), AUTHOR, NOW.minus(age), likes);
    }

    private static List<UUID> ids(List<Ranking.Ranked> ranked) {
        return ranked.stream().map(Ranking.Ranked::postId).toList();
    }
}
