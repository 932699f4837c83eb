-- The live streams GetFeed's first page lists, built from streaming-service's events on
-- nova.events.stream. StreamStarted (the stream went LIVE) inserts a row; StreamEnded sets
-- ended_at, and inserts the row as a tombstone when no StreamStarted was handled (a stream that
-- never went live, or a StreamStarted retried after its StreamEnded), so a late or replayed
-- StreamStarted never brings an ended stream back. Each StreamEnded also deletes the rows that
-- ended more than feed.live.ended-retention ago, and a StreamStarted that went live longer ago
-- than that is ignored: a purged tombstone is never needed again.
CREATE TABLE live_streams (
    stream_id    uuid        PRIMARY KEY,
    owner_id     uuid        NOT NULL,
    -- Null only in a tombstone: StreamEnded carries no title, playback URL or live time.
    title        text,
    playback_url text,
    live_at      timestamptz,
    -- Null while the stream is live.
    ended_at     timestamptz,
    CONSTRAINT live_streams_live_complete
        CHECK (ended_at IS NOT NULL OR (title IS NOT NULL AND playback_url IS NOT NULL AND live_at IS NOT NULL))
);
-- GetFeed: the live streams of the users the caller follows (a few rows at any time).
CREATE INDEX live_streams_live_idx ON live_streams (owner_id, live_at DESC, stream_id DESC) WHERE ended_at IS NULL;
-- StreamEnded's purge: the oldest ended rows.
CREATE INDEX live_streams_ended_idx ON live_streams (ended_at) WHERE ended_at IS NOT NULL;
