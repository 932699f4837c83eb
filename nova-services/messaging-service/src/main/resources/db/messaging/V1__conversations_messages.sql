-- messaging-service owns conversations, their participants and messages (schema "messaging").
-- The scripts live in db/messaging rather than db/migration: Flyway scans a location in every jar
-- on the class path, and tests run several services in one JVM.

CREATE TABLE conversations (
    id               uuid        PRIMARY KEY,
    title            text        NOT NULL DEFAULT '',
    -- A two-person conversation is unique per pair: the two user ids, lower one first. NULL for
    -- groups (NULLs never collide in a unique constraint), so only pairs are unique. Two concurrent
    -- CreateConversation calls for one pair meet here: the second INSERT ... ON CONFLICT DO NOTHING
    -- waits for the first to commit and then reads its row.
    pair_low         uuid,
    pair_high        uuid,
    created_at       timestamptz NOT NULL,
    -- Kept by SendMessage while it holds this row's lock: the next message id is generated above
    -- last_message_id, so ids of one conversation sort by sending order.
    last_message_id  uuid,
    -- created_at until the first message, then the time of the newest: ListConversations' order.
    last_activity_at timestamptz NOT NULL,
    CONSTRAINT conversations_pair_unique UNIQUE (pair_low, pair_high),
    CHECK ((pair_low IS NULL) = (pair_high IS NULL) AND (pair_low IS NULL OR pair_low < pair_high))
);

CREATE TABLE participants (
    conversation_id      uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    user_id              uuid        NOT NULL,
    joined_at            timestamptz NOT NULL,
    -- The newest message the user has read; it only moves forward (MarkRead). NULL: none read.
    last_read_message_id uuid,
    PRIMARY KEY (conversation_id, user_id)
);
-- ListConversations and GetUnreadCount start from the caller's rows.
CREATE INDEX participants_user_idx ON participants (user_id, conversation_id);

-- One row per message, whatever the number of recipients.
CREATE TABLE messages (
    id              uuid        PRIMARY KEY,       -- UUIDv7: sorts by sending order within a conversation
    conversation_id uuid        NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    sender_id       uuid        NOT NULL,
    text            text        NOT NULL,
    idempotency_key text        NOT NULL,
    sent_at         timestamptz NOT NULL
);
-- ListMessages (newest first), unread counts (id above the read position) and stream catch-up.
CREATE INDEX messages_conversation_idx ON messages (conversation_id, id);
-- SendMessage's idempotency look-up: the same key of the same sender in the same conversation within
-- 24 hours. Not unique: an expired key may be used again; SendMessage checks it under the
-- conversation's row lock, which serialises the sends of one conversation.
CREATE INDEX messages_idempotency_idx ON messages (conversation_id, sender_id, idempotency_key, sent_at DESC);
