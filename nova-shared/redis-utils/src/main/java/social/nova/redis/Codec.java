package social.nova.redis;

import java.util.Objects;
import java.util.function.Function;

/**
 * Turns a cached value into the string Redis stores and back. Implementations must round-trip:
 * {@code decode(encode(v))} equals {@code v}. A decode failure is treated as a cache miss.
 *
 * @param <T> the value type
 */
public interface Codec<T> {

    String encode(T value);

    T decode(String text);

    /** A codec from two functions, e.g. {@code Codec.of(Object::toString, UUID::fromString)}. */
    static <T> Codec<T> of(Function<? super T, String> encoder, Function<String, ? extends T> decoder) {
        Objects.requireNonNull(encoder, "encoder");
        Objects.requireNonNull(decoder, "decoder");
        return new Codec<>() {
            @Override
            public String encode(T value) {
                return encoder.apply(value);
            }

            @Override
            public T decode(String text) {
                return decoder.apply(text);
            }
        };
    }

    /** Strings as they are. */
    static Codec<String> string() {
        return of(Function.identity(), Function.identity());
    }

    /** Longs in decimal. */
    static Codec<Long> longs() {
        return of(String::valueOf, Long::valueOf);
    }
}
