-- Push notifications (issue 11): the devices each user registered, and per-participant mute.

-- One row per FCM registration token. A token names one app install, so it belongs to one user at a
-- time: registering it again moves it (a phone changing hands at sign-in). Tokens FCM refuses for
-- good (UNREGISTERED, INVALID_ARGUMENT) are deleted by the push sender.
CREATE TABLE devices (
    token         text        PRIMARY KEY,
    user_id       uuid        NOT NULL,
    platform      text        NOT NULL CHECK (platform IN ('ANDROID', 'IOS', 'WEB')),
    registered_at timestamptz NOT NULL,
    updated_at    timestamptz NOT NULL
);
-- The push sender reads the devices of a message's recipients.
CREATE INDEX devices_user_idx ON devices (user_id);

-- A participant who muted a conversation gets no pushes for it (messages still stream and count).
ALTER TABLE participants ADD COLUMN muted boolean NOT NULL DEFAULT false;
