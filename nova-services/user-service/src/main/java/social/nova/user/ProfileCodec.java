package social.nova.user;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import social.nova.redis.Codec;

/** Profiles as JSON in the Redis cache. A value that does not decode is a cache miss. */
final class ProfileCodec implements Codec<Profile> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String encode(Profile profile) {
        ObjectNode node = JSON.createObjectNode()
                .put("id", profile.id().toString())
                .put("username", profile.username())
                .put("displayName", profile.displayName())
                .put("bio", profile.bio())
                .put("followerCount", profile.followerCount())
                .put("followingCount", profile.followingCount())
                .put("createdAt", profile.createdAt().toString())
                .put("emailVerified", profile.emailVerified());
        return node.toString();
    }

    @Override
    public Profile decode(String text) {
        try {
            JsonNode node = JSON.readTree(text);
            return new Profile(
                    UUID.fromString(node.required("id").asText()),
                    node.required("username").asText(),
                    node.required("displayName").asText(),
                    node.required("bio").asText(),
                    node.required("followerCount").asLong(),
                    node.required("followingCount").asLong(),
                    Instant.parse(node.required("createdAt").asText()),
                    // Entries cached before the field existed read as not verified until they expire.
                    node.path("emailVerified").asBoolean(false));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a cached profile", e);
        }
    }
}
