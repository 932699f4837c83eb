-- Thumbnails, made once per stored object (the same bytes uploaded twice by their owner are
-- processed once); each lives at thumbnails/<owner>/<sha256>/<size_px>.webp in the object store.
CREATE TABLE thumbnails (
    owner_id    uuid     NOT NULL,
    sha256      char(64) NOT NULL,
    size_px     integer  NOT NULL CHECK (size_px > 0),
    width       integer  NOT NULL CHECK (width > 0),
    height      integer  NOT NULL CHECK (height > 0),
    bytes       integer  NOT NULL CHECK (bytes > 0),
    PRIMARY KEY (owner_id, sha256, size_px),
    FOREIGN KEY (owner_id, sha256) REFERENCES objects (owner_id, sha256)
);

-- Media attached to posts (content-service's PostCreated, removed by PostDeleted): every post is
-- public, so an attached item is readable by anyone while a post shows it.
CREATE TABLE attachments (
    media_id    uuid NOT NULL REFERENCES media (id),
    post_id     uuid NOT NULL,
    PRIMARY KEY (media_id, post_id)
);
CREATE INDEX attachments_post_idx ON attachments (post_id);
