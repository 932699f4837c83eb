package social.nova.errors;

import java.util.Objects;

/**
 * One invalid field of a request (google.rpc.BadRequest.FieldViolation).
 *
 * @param field       the field path as the caller knows it, e.g. {@code "email"} or {@code "address.zip"}
 * @param description what is wrong, in words safe to show the caller
 */
public record FieldViolation(String field, String description) {
    public FieldViolation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(description, "description");
    }

    /** Shorthand for {@code new FieldViolation(field, description)}. */
    public static FieldViolation of(String field, String description) {
        return new FieldViolation(field, description);
    }
}
