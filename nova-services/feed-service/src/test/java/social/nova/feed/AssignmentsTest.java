package social.nova.feed;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AssignmentsTest {
    private static final Experiment RANKING = new Experiment(
            UUID.fromString("f33d0000-0000-4000-8000-000000000001"),
            "feed-ranking",
            "",
            Experiment.Status.RUNNING,
            List.of(new Experiment.Variant("chronological", 50), new Experiment.Variant("engagement", 50)),
            Instant.EPOCH,
            null);

    @Test
    void theBucketIsTheFirstFourBytesOfSha256OfUserColonExperimentModulo100() {
        // The same rule computed independently (BigInteger over the first four bytes).
        UUID user = UUID.fromString("00000000-0000-0000-0000-000000000001");
        assertThat(Assignments.bucket(user, RANKING.id())).isEqualTo(expectedBucket(user + ":" + RANKING.id()));
    }

    @Test
    void theSameUserAlwaysGetsTheSameVariant() {
        UUID user = UUID.randomUUID();
        String first = Assignments.variant(user, RANKING);
        for (int i = 0; i < 10; i++) {
            assertThat(Assignments.variant(user, RANKING)).isEqualTo(first);
        }
    }

    @Test
    void tenThousandUsersSplitFiftyFiftyWithinTwoPercent() {
        Random random = new Random(42);
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            counts.merge(Assignments.variant(new UUID(random.nextLong(), random.nextLong()), RANKING), 1, Integer::sum);
        }
        assertThat(counts.keySet()).containsExactlyInAnyOrder("chronological", "engagement");
        assertThat(counts.get("chronological")).isBetween(4_800, 5_200);
        assertThat(counts.get("engagement")).isBetween(4_800, 5_200);
    }

    @Test
    void variantsAreWalkedCumulatively() {
        List<Experiment.Variant> variants = List.of(
                new Experiment.Variant("a", 10), new Experiment.Variant("b", 30), new Experiment.Variant("c", 60));
        assertThat(Assignments.variantFor(0, variants)).isEqualTo("a");
        assertThat(Assignments.variantFor(9, variants)).isEqualTo("a");
        assertThat(Assignments.variantFor(10, variants)).isEqualTo("b");
        assertThat(Assignments.variantFor(39, variants)).isEqualTo("b");
        assertThat(Assignments.variantFor(40, variants)).isEqualTo("c");
        assertThat(Assignments.variantFor(99, variants)).isEqualTo("c");
    }

    /** The contract's rule written out with BigInteger, independent of the implementation's bit twiddling. */
    private static int expectedBucket(String text) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return new java.math.BigInteger(1, java.util.Arrays.copyOf(hash, 4))
                    .mod(java.math.BigInteger.valueOf(100))
                    .intValue();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
