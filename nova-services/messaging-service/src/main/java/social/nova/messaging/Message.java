package social.nova.messaging;

import java.time.Instant;
import java.util.UUID;

/** A message as stored in {@code messaging.messages}: once per conversation, not per recipient. */
record Message(UUID id, UUID conversationId, UUID senderId, String text, String idempotencyKey, Instant sentAt) {}
