package social.nova.feed;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.UUID;

/**
 * Deterministic experiment assignment: a user's bucket is the first 4 bytes of
 * SHA-256(userId + ":" + experimentId) (both canonical lower-case UUID text), read as an unsigned
 * big-endian number, modulo 100; the variants are walked in their stored order, each covering the
 * next {@code trafficPercent} buckets. The same user always lands in the same variant of an
 * experiment, and different experiments split users independently.
 */
final class Assignments {
    static final int BUCKETS = 100;

    private Assignments() {}

    static int bucket(UUID userId, UUID experimentId) {
        byte[] hash = sha256((userId + ":" + experimentId).getBytes(StandardCharsets.UTF_8));
        long first4 =
                ((hash[0] & 0xFFL) << 24) | ((hash[1] & 0xFFL) << 16) | ((hash[2] & 0xFFL) << 8) | (hash[3] & 0xFFL);
        return (int) (first4 % BUCKETS);
    }

    /** The user's variant; the last one when the percentages add up to less than 100 (they should not). */
    static String variant(UUID userId, Experiment experiment) {
        return variantFor(bucket(userId, experiment.id()), experiment.variants());
    }

    static String variantFor(int bucket, List<Experiment.Variant> variants) {
        int upTo = 0;
        for (Experiment.Variant variant : variants) {
            upTo += variant.trafficPercent();
            if (bucket < upTo) {
                return variant.name();
            }
        }
        return variants.getLast().name();
    }

    private static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
