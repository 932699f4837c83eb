-- search-service's index (schema "search"), built only from events (nova.events.user,
-- nova.events.post). unaccent and pg_trgm live in schema public (db.provision.extensions), so
-- everything from them is called schema-qualified.

-- Words beyond ASCII ("Crème", "Ωmega") are letters only in a UTF8 database: in SQL_ASCII the
-- parser splits them apart and nothing accented could be found. Refuse to start rather than answer
-- wrongly.
DO $$
BEGIN
    IF getdatabaseencoding() <> 'UTF8' THEN
        RAISE EXCEPTION 'search-service needs a UTF8 database, this one is %', getdatabaseencoding();
    END IF;
END
$$;

-- Text search configuration: the simple dictionary (no stemming: usernames, names and posts in
-- any language), with accents removed first. Queries and documents both go through it, so
-- "Crème" and "creme" are the same lexeme.
CREATE TEXT SEARCH CONFIGURATION nova (COPY = pg_catalog.simple);
ALTER TEXT SEARCH CONFIGURATION nova
    ALTER MAPPING FOR word, hword, hword_part, numword, numhword WITH public.unaccent, simple;

-- Lower case without accents, IMMUTABLE (unaccent(text) alone is only STABLE: it looks its
-- dictionary up through search_path), so that an index can use it.
CREATE FUNCTION fold(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN lower(public.unaccent('public.unaccent'::regdictionary, value));

-- Post text as the text search parser and ts_headline see it: '<', '>' and '&' become private-use
-- characters (U+E002..U+E004; Snippets turns them back and escapes them), so "<b>" or "&amp;" in a
-- post are words and punctuation, not an HTML tag or entity that the parser would drop from the
-- index and ts_headline from the snippet; the snippet sentinels U+E000/U+E001 are removed, so a post
-- cannot forge a highlight.
CREATE FUNCTION plain(value text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN translate(value, U&'<>&\E000\E001', U&'\E002\E003\E004');

CREATE TABLE users (
    id           uuid        PRIMARY KEY,
    username     text        NOT NULL,
    display_name text        NOT NULL,
    -- The time of the values (registeredAt, then each updatedAt): an older event never
    -- overwrites a newer one.
    updated_at   timestamptz NOT NULL,
    -- A username match (A) ranks above a display name match (B).
    document     tsvector    GENERATED ALWAYS AS (
                     setweight(to_tsvector('search.nova', username), 'A')
                     || setweight(to_tsvector('search.nova', display_name), 'B')) STORED
);
CREATE INDEX users_document_idx ON users USING gin (document);
-- The typo fallback (pg_trgm word similarity of the folded names).
CREATE INDEX users_names_trgm_idx ON users
    USING gin (fold(username || ' ' || display_name) public.gin_trgm_ops);

CREATE TABLE posts (
    id         uuid        PRIMARY KEY,
    author_id  uuid        NOT NULL,
    text       text        NOT NULL,
    created_at timestamptz NOT NULL,
    -- When this service indexed the post (a new row is searchable once its transaction commits):
    -- indexed_at - created_at is the searchability lag, which the harness's latency run reports.
    indexed_at timestamptz NOT NULL DEFAULT now(),
    document   tsvector    GENERATED ALWAYS AS (to_tsvector('search.nova', plain(text))) STORED
);
CREATE INDEX posts_document_idx ON posts USING gin (document);

-- Deleted posts, so that a PostCreated handled again after its PostDeleted (a retried event can
-- come after later ones) does not bring the post back.
CREATE TABLE deleted_posts (
    id         uuid        PRIMARY KEY,
    deleted_at timestamptz NOT NULL
);

-- Who blocks whom, as of changed_at: UserBlocked and UserUnblocked set the state, a later change
-- wins whatever order the events are handled in.
CREATE TABLE blocks (
    blocker_id uuid        NOT NULL,
    blocked_id uuid        NOT NULL,
    active     boolean     NOT NULL,
    changed_at timestamptz NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);
-- "Who blocks the caller": every search filters by blocked_id.
CREATE INDEX blocks_blocked_idx ON blocks (blocked_id, blocker_id) WHERE active;
