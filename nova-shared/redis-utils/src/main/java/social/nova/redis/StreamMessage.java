package social.nova.redis;

import java.util.Map;
import java.util.Objects;

/**
 * One stream entry as a {@link StreamHandler} receives it.
 *
 * @param stream        the stream key
 * @param id            the entry id, e.g. {@code 1718000000000-0}
 * @param fields        the entry's fields
 * @param deliveryCount 1 on first delivery, higher on retries
 */
public record StreamMessage(String stream, String id, Map<String, String> fields, long deliveryCount) {
    public StreamMessage {
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(id, "id");
        fields = Map.copyOf(fields);
    }
}
