package social.nova.harness.faults;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one fault test found, for the report: whether the fleet behaved as promised and the
 * figures that show it (error rates, times to fail over or recover, writes checked afterwards).
 *
 * @param name         short name, e.g. {@code user-service instance killed under load}
 * @param expectation  what the fleet promises under this fault
 * @param passed       whether every promise held
 * @param measurements figure name to value (numbers, or text), in the order they were taken
 * @param detail       what went wrong when it did not pass; empty otherwise
 */
public record FaultOutcome(
        String name, String expectation, boolean passed, Map<String, Object> measurements, String detail) {
    public FaultOutcome {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(expectation, "expectation");
        measurements = Collections.unmodifiableMap(new LinkedHashMap<>(measurements));
        detail = detail == null ? "" : detail;
    }
}
