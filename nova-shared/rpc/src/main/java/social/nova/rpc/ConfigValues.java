package social.nova.rpc;

import java.time.Duration;

import io.helidon.config.Config;

/** Reads one setting with a fallback and checks its range, naming the full key when it is wrong. */
final class ConfigValues {
    private ConfigValues() {}

    static int positiveInt(Config node, String key, int fallback) {
        int value = node.get(key).asInt().orElse(fallback);
        if (value < 1) {
            throw invalid(node, key, "must be at least 1", value);
        }
        return value;
    }

    static float percentage(Config node, String key, float fallback) {
        float value = node.get(key).asDouble().map(Double::floatValue).orElse(fallback);
        if (!(value > 0 && value <= 100)) {
            throw invalid(node, key, "must be a percentage in (0, 100]", value);
        }
        return value;
    }

    static double atLeast(Config node, String key, double minimum, double fallback) {
        double value = node.get(key).asDouble().orElse(fallback);
        if (!(value >= minimum)) {
            throw invalid(node, key, "must be at least " + minimum, value);
        }
        return value;
    }

    static double between(Config node, String key, double minimum, double maximum, double fallback) {
        double value = node.get(key).asDouble().orElse(fallback);
        if (!(value >= minimum && value <= maximum)) {
            throw invalid(node, key, "must be in [" + minimum + ", " + maximum + "]", value);
        }
        return value;
    }

    static boolean flag(Config node, String key, boolean fallback) {
        return node.get(key).asBoolean().orElse(fallback);
    }

    /** An ISO-8601 duration ({@code PT0.5S}, {@code PT5M}), strictly positive. */
    static Duration positiveDuration(Config node, String key, Duration fallback) {
        Duration value = duration(node, key, fallback);
        if (value.isZero() || value.isNegative()) {
            throw invalid(node, key, "must be a positive duration", value);
        }
        return value;
    }

    /** An ISO-8601 duration ({@code PT0S}, {@code PT0.1S}), zero allowed. */
    static Duration nonNegativeDuration(Config node, String key, Duration fallback) {
        Duration value = duration(node, key, fallback);
        if (value.isNegative()) {
            throw invalid(node, key, "must not be negative", value);
        }
        return value;
    }

    private static Duration duration(Config node, String key, Duration fallback) {
        Config value = node.get(key);
        if (!value.exists()) {
            return fallback;
        }
        String text = value.asString().get();
        try {
            return Duration.parse(text);
        } catch (RuntimeException e) {
            throw invalid(node, key, "must be an ISO-8601 duration such as PT2S or PT0.25S", text);
        }
    }

    static IllegalArgumentException invalid(Config node, String key, String rule, Object value) {
        return new IllegalArgumentException(node.get(key).key() + " " + rule + ", was " + value);
    }
}
