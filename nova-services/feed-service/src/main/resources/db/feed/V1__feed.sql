-- feed-service's read model (schema "feed"), built only from the events on nova.events.post and
-- nova.events.user; feed-service owns no posts (their text comes from content-service's GetPosts).
-- The scripts live in db/feed rather than db/migration: Flyway scans a location in every jar on
-- the class path, and tests run several services in one JVM.

-- One row per post ever seen. PostDeleted may overtake PostCreated on a retry, so a delete of an
-- unknown post leaves a tombstone that the late PostCreated does not revive.
CREATE TABLE posts (
    post_id     uuid        PRIMARY KEY,
    author_id   uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    -- false: the author had more than feed.fanout.celebrity-threshold followers, so the post is in
    -- no follower's timeline and GetFeed merges it in when it reads.
    fanned_out  boolean     NOT NULL,
    deleted     boolean     NOT NULL DEFAULT false
);
-- Back-fill on follow: an author's newest posts.
CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, post_id DESC) WHERE NOT deleted;
-- Read-time merge: the newest posts of followed authors that were not fanned out (small).
CREATE INDEX posts_unfanned_idx ON posts (author_id, created_at DESC, post_id DESC) WHERE NOT fanned_out AND NOT deleted;

CREATE TABLE follows (
    follower_id uuid        NOT NULL,
    followee_id uuid        NOT NULL,
    followed_at timestamptz NOT NULL,
    PRIMARY KEY (follower_id, followee_id)
);
-- Fan-out: every follower of an author.
CREATE INDEX follows_followee_idx ON follows (followee_id, follower_id);

-- Kept by the follow and unfollow handlers with the follows they insert or delete, so a post's
-- fan-out decision is one row read, not a count over the author's followers.
CREATE TABLE follower_counts (
    user_id     uuid        PRIMARY KEY,
    followers   bigint      NOT NULL CHECK (followers >= 0)
);

CREATE TABLE blocks (
    blocker_id  uuid        NOT NULL,
    blocked_id  uuid        NOT NULL,
    blocked_at  timestamptz NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id);

CREATE TABLE likes (
    post_id     uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    liked_at    timestamptz NOT NULL,
    PRIMARY KEY (post_id, user_id)
);
-- Trending: the likes of the last window.
CREATE INDEX likes_liked_at_idx ON likes (liked_at);

-- The fanned-out home timelines: one row per (reader, post).
CREATE TABLE timeline (
    user_id     uuid        NOT NULL,
    post_id     uuid        NOT NULL,
    author_id   uuid        NOT NULL,
    created_at  timestamptz NOT NULL,
    added_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, post_id)
);
-- GetFeed: a reader's newest entries.
CREATE INDEX timeline_user_idx ON timeline (user_id, created_at DESC, post_id DESC);
-- Unfollow and block: one author's entries in one reader's timeline.
CREATE INDEX timeline_user_author_idx ON timeline (user_id, author_id);
-- PostDeleted: the post in every timeline.
CREATE INDEX timeline_post_idx ON timeline (post_id);

-- The trending lists, recomputed every feed.trending.interval per window (HOUR, DAY, WEEK).
CREATE TABLE trending (
    time_window text             NOT NULL CHECK (time_window IN ('HOUR', 'DAY', 'WEEK')),
    post_id     uuid             NOT NULL,
    score       double precision NOT NULL,
    computed_at timestamptz      NOT NULL,
    PRIMARY KEY (time_window, post_id)
);
CREATE INDEX trending_rank_idx ON trending (time_window, score DESC, post_id);
CREATE INDEX trending_post_idx ON trending (post_id);

-- When each window was last computed (also when it had no likes at all).
CREATE TABLE trending_runs (
    time_window text        PRIMARY KEY,
    computed_at timestamptz NOT NULL
);

CREATE TABLE experiments (
    id          uuid        PRIMARY KEY,
    key         text        NOT NULL UNIQUE CHECK (key ~ '^[a-z0-9-]{1,64}$'),
    description text        NOT NULL,
    status      text        NOT NULL CHECK (status IN ('DRAFT', 'RUNNING', 'ENDED')),
    -- [{"name": "...", "trafficPercent": n}, ...], percentages adding up to 100.
    variants    jsonb       NOT NULL,
    started_at  timestamptz,
    ended_at    timestamptz
);
CREATE INDEX experiments_started_idx ON experiments (started_at DESC NULLS LAST, key);

-- The ranking experiment GetFeed follows (feed.ranking.experiment-key).
INSERT INTO experiments (id, key, description, status, variants, started_at) VALUES (
    'f33d0000-0000-4000-8000-000000000001',
    'feed-ranking',
    'Home feed ranking: newest first (chronological) against likes weighted by age (engagement)',
    'RUNNING',
    '[{"name": "chronological", "trafficPercent": 50}, {"name": "engagement", "trafficPercent": 50}]',
    now());
