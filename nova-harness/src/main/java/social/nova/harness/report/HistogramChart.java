package social.nova.harness.report;

import java.util.List;
import java.util.Locale;

import social.nova.harness.latency.LatencyHistogram;

/**
 * One edge's latency histogram as an inline SVG bar chart: a bar per bin, coloured by where the
 * bin lies against our budget and the plan's threshold, each bar with a tooltip. Plain SVG, no
 * script, so the page needs nothing from outside.
 */
final class HistogramChart {
    private static final int WIDTH = 340;
    private static final int HEIGHT = 160;
    private static final int LEFT = 34;
    private static final int RIGHT = 6;
    private static final int TOP = 10;
    private static final int BOTTOM = 34;
    private static final String WITHIN_BUDGET = "#2e7d32";
    private static final String OVER_BUDGET = "#f9a825";
    private static final String OVER_THRESHOLD = "#c62828";

    private HistogramChart() {}

    /**
     * @param title           what the chart shows (used for its accessible label)
     * @param budgetMillis    bins above it are drawn as over budget
     * @param thresholdMillis bins above it are drawn as over the plan's threshold
     */
    static String svg(String title, LatencyHistogram histogram, double budgetMillis, double thresholdMillis) {
        List<Long> counts = histogram.counts();
        List<Double> bounds = histogram.boundsMillis();
        long most = Math.max(1, counts.stream().mapToLong(Long::longValue).max().orElse(1));
        double plotWidth = WIDTH - LEFT - RIGHT;
        double plotHeight = HEIGHT - TOP - BOTTOM;
        double slot = plotWidth / counts.size();
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(
                Locale.ROOT,
                "<svg class=\"histogram\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
                        + "role=\"img\" aria-label=\"%s\">",
                WIDTH,
                HEIGHT,
                WIDTH,
                HEIGHT,
                NovaReport.escape("latency histogram of " + title)));
        // Axes, and the tallest bar's count on the y axis.
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
                LEFT,
                TOP,
                LEFT,
                HEIGHT - BOTTOM));
        svg.append(String.format(
                Locale.ROOT,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
                LEFT,
                HEIGHT - BOTTOM,
                WIDTH - RIGHT,
                HEIGHT - BOTTOM));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">%d</text>",
                LEFT - 3,
                TOP + 8,
                most));
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">0</text>",
                LEFT - 3,
                HEIGHT - BOTTOM));
        for (int bin = 0; bin < counts.size(); bin++) {
            long count = counts.get(bin);
            double lower = bin == 0 ? 0 : bounds.get(bin - 1);
            String label = bin < bounds.size() ? "\u2264 " + millis(bounds.get(bin)) : "> " + millis(bounds.getLast());
            String colour =
                    lower >= thresholdMillis ? OVER_THRESHOLD : lower >= budgetMillis ? OVER_BUDGET : WITHIN_BUDGET;
            double barHeight = plotHeight * count / most;
            double x = LEFT + bin * slot + 1;
            svg.append(String.format(
                    Locale.ROOT,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s: %d calls</title></rect>",
                    x,
                    HEIGHT - BOTTOM - barHeight,
                    slot - 2,
                    barHeight,
                    colour,
                    NovaReport.escape(label),
                    count));
            svg.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%.1f\" y=\"%d\" font-size=\"8\" text-anchor=\"end\" transform=\"rotate(-45 %.1f %d)\">%s</text>",
                    x + slot / 2,
                    HEIGHT - BOTTOM + 10,
                    x + slot / 2,
                    HEIGHT - BOTTOM + 10,
                    bin < bounds.size() ? millis(bounds.get(bin)) : "more"));
        }
        svg.append(String.format(
                Locale.ROOT,
                "<text x=\"%d\" y=\"%d\" font-size=\"9\" text-anchor=\"end\">ms%s</text>",
                WIDTH - RIGHT,
                HEIGHT - 2,
                histogram.exact() ? "" : " (timer buckets)"));
        return svg.append("</svg>").toString();
    }

    private static String millis(double value) {
        return value >= 1000
                ? String.format(Locale.ROOT, "%.0fs", value / 1000)
                : String.format(Locale.ROOT, "%.0f", value);
    }
}
