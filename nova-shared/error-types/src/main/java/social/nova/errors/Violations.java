package social.nova.errors;

import java.util.ArrayList;
import java.util.List;

/**
 * Collects the invalid fields of one request so a handler can check them all and throw once:
 * <pre>{@code
 * Violations v = new Violations();
 * v.require(email.contains("@"), "email", "must be an email address");
 * v.require(!name.isBlank(), "name", "must not be blank");
 * v.throwIfAny();
 * }</pre>
 * One instance serves one request; it is not thread-safe.
 */
public final class Violations {
    private final List<FieldViolation> violations = new ArrayList<>();

    /** Records a violation of {@code field} unless {@code condition} holds. */
    public Violations require(boolean condition, String field, String description) {
        if (!condition) {
            add(field, description);
        }
        return this;
    }

    /** Records a violation of {@code field} unless {@code value} has a non-blank character. */
    public Violations requireNonBlank(String value, String field) {
        return require(value != null && !value.isBlank(), field, "must not be blank");
    }

    /** Records a violation unconditionally. */
    public Violations add(String field, String description) {
        violations.add(new FieldViolation(field, description));
        return this;
    }

    /** Whether no violation was recorded. */
    public boolean isEmpty() {
        return violations.isEmpty();
    }

    /** The violations recorded so far, in the order they were found. */
    public List<FieldViolation> list() {
        return List.copyOf(violations);
    }

    /** Throws an INVALID_ARGUMENT {@link NovaException} with every violation, if there is any. */
    public void throwIfAny() {
        if (!violations.isEmpty()) {
            throw NovaException.invalidArgument(violations.toArray(FieldViolation[]::new));
        }
    }
}
