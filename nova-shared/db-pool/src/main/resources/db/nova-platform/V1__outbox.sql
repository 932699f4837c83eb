-- The transactional outbox of nova-db-pool: events written in the same transaction as the domain
-- rows they describe, and published to Redis streams by OutboxRelay in id order.
CREATE TABLE outbox (
    id             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id       UUID        NOT NULL UNIQUE,
    aggregate_type TEXT        NOT NULL,
    aggregate_id   TEXT        NOT NULL,
    event_type     TEXT        NOT NULL,
    -- JSON kept as the caller wrote it (jsonb would reorder keys); the check rejects non-JSON early.
    payload        TEXT        NOT NULL CHECK (payload::jsonb IS NOT NULL),
    headers        JSONB       NOT NULL DEFAULT '{}'::jsonb,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    published_at   TIMESTAMPTZ
);

-- The relay reads unpublished rows in id order; the clean-up deletes old published ones.
CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
