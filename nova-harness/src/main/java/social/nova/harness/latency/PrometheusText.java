package social.nova.harness.latency;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the Prometheus text exposition format (what {@code /observe/metrics} answers): one sample
 * per line, {@code name{label="value",...} value [timestamp]}; comments and blank lines skipped.
 */
public final class PrometheusText {
    private PrometheusText() {
    }

    /** One sample. */
    public record Sample(String name, Map<String, String> labels, double value) {
        public Sample {
            labels = Map.copyOf(labels);
        }
    }

    public static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            samples.add(parseLine(trimmed));
        }
        return samples;
    }

    private static Sample parseLine(String line) {
        int brace = line.indexOf('{');
        int space = line.indexOf(' ');
        if (brace < 0 || (space >= 0 && space < brace)) {
            String[] parts = line.split("\\s+");
            return new Sample(parts[0], Map.of(), value(parts[1], line));
        }
        Map<String, String> labels = new LinkedHashMap<>();
        int i = brace + 1;
        while (i < line.length() && line.charAt(i) != '}') {
            int equals = line.indexOf('=', i);
            String name = line.substring(i, equals).strip();
            StringBuilder value = new StringBuilder();
            int j = line.indexOf('"', equals) + 1;
            while (line.charAt(j) != '"') {
                char c = line.charAt(j);
                if (c == '\\') {
                    char escaped = line.charAt(++j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(name, value.toString());
            i = j + 1;
            while (i < line.length() && (line.charAt(i) == ',' || line.charAt(i) == ' ')) {
                i++;
            }
        }
        String rest = line.substring(i + 1).strip();
        return new Sample(line.substring(0, brace), labels, value(rest.split("\\s+")[0], line));
    }

    private static double value(String text, String line) {
        try {
            return switch (text) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(text);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a Prometheus sample: " + line, e);
        }
    }
}
