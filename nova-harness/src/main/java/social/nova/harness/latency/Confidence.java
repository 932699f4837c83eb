package social.nova.harness.latency;

import org.HdrHistogram.Histogram;

/**
 * How sure a percentile from samples is. A p99 of 1,000 calls is the 990th smallest; were the run
 * repeated, that rank would land elsewhere. Distribution-free (the ranks of order statistics are
 * binomial), the one-sided 95 % confidence interval of the q-quantile of n samples starts at the
 * sample of rank {@code floor(n q - 1.645 sqrt(n q (1 - q)))}: for a p99 of 1,000 calls, the 984th.
 * The budget fails a run only when that lower bound is over it, so a run fails when the edge is
 * over budget with 95 % confidence, not when chance put the point estimate a little over.
 */
public final class Confidence {
    /** The one-sided 95 % quantile of the standard normal distribution. */
    static final double Z_95 = 1.6448536;

    private Confidence() {}

    /** The sample rank (1-based) of the lower 95 % bound of the {@code quantile} of {@code n} samples; 0 when n is too small. */
    static long lowerRank(long n, double quantile) {
        double mean = n * quantile;
        return Math.max(0, (long) Math.floor(mean - Z_95 * Math.sqrt(mean * (1 - quantile))));
    }

    /** The lower 95 % bound of the {@code quantile} of a histogram of microseconds, in milliseconds; null without samples. */
    public static Double lowerBoundMillis(Histogram micros, double quantile) {
        long n = micros.getTotalCount();
        long rank = lowerRank(n, quantile);
        if (n == 0 || rank == 0) {
            return null;
        }
        return micros.getValueAtPercentile(100.0 * rank / n) / 1e3;
    }
}
