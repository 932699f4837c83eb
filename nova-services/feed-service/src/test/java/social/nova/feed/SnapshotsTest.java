package social.nova.feed;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotsTest {

    @Test
    void aSnapshotSurvivesItsRedisEncodingExactly() {
        UUID owner = UUID.randomUUID();
        Snapshots.Snapshot snapshot = new Snapshots.Snapshot(
                owner,
                new Experiments.Assignment(UUID.randomUUID(), "feed-ranking", "engagement"),
                List.of(
                        new Ranking.Ranked(UUID.randomUUID(), owner, 0.1 + 0.2),
                        new Ranking.Ranked(UUID.randomUUID(), UUID.randomUUID(), 1.7e9)));
        assertThat(Snapshots.decode(Snapshots.encode(snapshot))).isEqualTo(snapshot);
    }

    @Test
    void aSnapshotWithoutAssignmentOrPostsToo() {
        Snapshots.Snapshot snapshot = new Snapshots.Snapshot(UUID.randomUUID(), null, List.of());
        assertThat(Snapshots.decode(Snapshots.encode(snapshot))).isEqualTo(snapshot);
    }
}
