-- content-service owns posts and likes (schema "content"). The scripts live in db/content rather
-- than db/migration: Flyway scans a location in every jar on the class path, and tests run
-- several services in one JVM.

CREATE TABLE posts (
    id          uuid        PRIMARY KEY,
    author_id   uuid        NOT NULL,            -- a user-service profile, checked at creation
    text        text        NOT NULL,
    -- Kept by the same transactions that change likes, so a post read is one row.
    like_count  bigint      NOT NULL DEFAULT 0 CHECK (like_count >= 0),
    created_at  timestamptz NOT NULL,
    -- Deleted posts stay as tombstones: deleting again succeeds, and NOT_FOUND keeps meaning
    -- "never existed" for DeletePost.
    deleted_at  timestamptz
);
-- ListPostsByAuthor: newest first, keyset pagination on (created_at, id).
CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC) WHERE deleted_at IS NULL;

CREATE TABLE likes (
    post_id     uuid        NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id     uuid        NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);
-- liked_by_caller for a page of posts.
CREATE INDEX likes_user_idx ON likes (user_id, post_id);
