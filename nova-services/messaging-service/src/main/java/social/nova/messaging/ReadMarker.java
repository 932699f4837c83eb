package social.nova.messaging;

import java.time.Instant;
import java.util.UUID;

/** A participant's new read position in a conversation, announced to the other participants. */
record ReadMarker(UUID conversationId, UUID userId, UUID messageId, Instant readAt) {}
