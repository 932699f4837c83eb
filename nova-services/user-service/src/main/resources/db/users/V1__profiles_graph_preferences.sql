-- user-service owns public profiles, the social graph and preferences (schema "users").
-- The scripts live in db/users rather than db/migration: Flyway scans a location in every jar on
-- the class path, and tests run several services in one JVM.

-- One profile per auth-service account, created from its UserRegistered event (same id).
CREATE TABLE profiles (
    id               uuid        PRIMARY KEY,
    username         text        NOT NULL,   -- lowercase, as auth-service stores it
    display_name     text        NOT NULL,
    bio              text        NOT NULL DEFAULT '',
    -- Kept by the same transactions that change follows, so a profile read is one row.
    follower_count   bigint      NOT NULL DEFAULT 0 CHECK (follower_count >= 0),
    following_count  bigint      NOT NULL DEFAULT 0 CHECK (following_count >= 0),
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX profiles_username_key ON profiles (username);

CREATE TABLE follows (
    follower_id  uuid        NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    followee_id  uuid        NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
-- Both lists are read newest first with keyset pagination on (created_at, other id).
CREATE INDEX follows_followers_idx ON follows (followee_id, created_at DESC, follower_id DESC);
CREATE INDEX follows_following_idx ON follows (follower_id, created_at DESC, followee_id DESC);

CREATE TABLE blocks (
    blocker_id  uuid        NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    blocked_id  uuid        NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (blocker_id, blocked_id),
    CHECK (blocker_id <> blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id);

-- Written on the first UpdatePreferences; until then the defaults apply. Keyed by user id only
-- (no foreign key): a user may set preferences before the profile's event has arrived.
CREATE TABLE preferences (
    user_id              uuid        PRIMARY KEY,
    language             text        NOT NULL,
    timezone             text        NOT NULL,
    notify_on_follow     boolean     NOT NULL,
    notify_on_like       boolean     NOT NULL,
    notify_on_message    boolean     NOT NULL,
    allow_messages_from  text        NOT NULL,
    updated_at           timestamptz NOT NULL DEFAULT now()
);
