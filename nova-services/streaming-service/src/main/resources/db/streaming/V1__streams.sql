-- streaming-service owns live streams (schema "streaming"). The scripts live in db/streaming rather
-- than db/migration: Flyway scans a location in every jar on the class path, and tests run several
-- services in one JVM. Viewers are not here: their presence lives in Redis (it expires by itself).

CREATE TABLE streams (
    id                uuid        PRIMARY KEY,
    owner_id          uuid        NOT NULL,
    title             text        NOT NULL,
    description       text        NOT NULL,
    status            text        NOT NULL CHECK (status IN ('STARTING', 'LIVE', 'ENDED')),
    -- SHA-256 of the stream key: the key is 256 random bits, so a fast hash is enough, and only
    -- StartStream's answer ever holds the key itself.
    key_hash          bytea       NOT NULL,
    started_at        timestamptz NOT NULL,          -- StartStream
    live_at           timestamptz,                   -- the media server's first publish
    -- The media server's last word about the publisher (publish or a periodic update): a LIVE
    -- stream it stops speaking for ends by itself.
    publisher_seen_at timestamptz,
    ended_at          timestamptz,
    -- Why it ended: OWNER_ENDED, PUBLISHER_STOPPED, PUBLISHER_LOST or NEVER_PUBLISHED.
    end_reason        text,
    -- The peak of viewers counted at once, kept from Redis when the stream ends.
    peak_viewers      bigint      NOT NULL DEFAULT 0 CHECK (peak_viewers >= 0),
    CHECK ((status = 'ENDED') = (ended_at IS NOT NULL))
);
-- One starting or live stream per user (ALREADY_LIVE): concurrent StartStream calls meet here.
CREATE UNIQUE INDEX streams_one_open_per_owner ON streams (owner_id) WHERE status <> 'ENDED';
-- ListLiveStreams: most recently started first, keyset pagination on (started_at, id).
CREATE INDEX streams_live_idx ON streams (started_at DESC, id DESC) WHERE status = 'LIVE';
-- The sweeper's scan of streams that may have to end by themselves.
CREATE INDEX streams_open_idx ON streams (status) WHERE status <> 'ENDED';
