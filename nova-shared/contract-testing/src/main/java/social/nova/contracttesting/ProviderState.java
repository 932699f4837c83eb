package social.nova.contracttesting;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What must be true at the provider for an interaction, by a name the provider's verification knows
 * ({@code a post by the caller}), with example values the consumer's test used in its place.
 *
 * <p>Each example value is written into the contract as {@code ${name}} wherever the request, the
 * metadata or the stubbed answer contain it; verification replaces it with the value the provider
 * state produced (the id of a post it really created, a real access token). Examples should be
 * distinctive (a UUID, not {@code "1"}) so they are not found by accident in other fields.
 *
 * @param name     the state, as the provider's verification names it
 * @param examples placeholder name to the example value the consumer's test used
 */
public record ProviderState(String name, Map<String, String> examples) {
    public ProviderState {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("a provider state needs a name");
        }
        examples = Map.copyOf(examples);
        examples.forEach((key, value) -> {
            if (!key.matches("[A-Za-z][A-Za-z0-9_]*")) {
                throw new IllegalArgumentException(
                        "placeholder '" + key + "' must be a letter followed by letters, digits or '_'");
            }
            if (value.isBlank()) {
                throw new IllegalArgumentException("the example value of '" + key + "' is blank");
            }
        });
    }

    /** A state whose interaction needs no values from the provider. */
    public static ProviderState of(String name) {
        return new ProviderState(name, Map.of());
    }

    /** This state with one more example value. */
    public ProviderState with(String placeholder, String example) {
        Map<String, String> more = new LinkedHashMap<>(examples);
        more.put(placeholder, example);
        return new ProviderState(name, more);
    }
}
