-- media-service's metadata (schema "media"). The bytes live in the object store, never here:
-- objects/<owner>/<sha256>, content-addressed, so the same file is stored once per owner.

-- One row per stored object: what a user's quota counts.
CREATE TABLE objects (
    owner_id    uuid        NOT NULL,
    sha256      char(64)    NOT NULL,
    size_bytes  bigint      NOT NULL CHECK (size_bytes > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (owner_id, sha256)
);

-- Bytes each user stores (the sum of their objects), kept by the transaction that adds an object;
-- its row is locked while an upload is committed, so two uploads cannot both take the last bytes.
CREATE TABLE usage (
    owner_id    uuid        PRIMARY KEY,
    used_bytes  bigint      NOT NULL DEFAULT 0 CHECK (used_bytes >= 0)
);

-- One row per upload: a media item, pointing at its object (several items may share one).
CREATE TABLE media (
    id              uuid        PRIMARY KEY,
    owner_id        uuid        NOT NULL,
    sha256          char(64)    NOT NULL,
    content_type    text        NOT NULL,
    size_bytes      bigint      NOT NULL,
    file_name       text        NOT NULL,
    status          text        NOT NULL CHECK (status IN ('PROCESSING', 'READY', 'FAILED')),
    width           integer     NOT NULL DEFAULT 0,
    height          integer     NOT NULL DEFAULT 0,
    duration_ms     bigint,
    failure         text,
    created_at      timestamptz NOT NULL,
    FOREIGN KEY (owner_id, sha256) REFERENCES objects (owner_id, sha256)
);
CREATE INDEX media_owner_idx ON media (owner_id, created_at DESC);
