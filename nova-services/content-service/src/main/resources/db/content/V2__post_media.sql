-- Media attached to a post (issue 12): media-service ids in the author's order, empty for a
-- text-only post. An array rather than a table: at most 4 (CreatePost checks), always read and
-- written with the post, never looked up by media id (media-service keeps which posts show its
-- media, from PostCreated and PostDeleted). A constant default adds the column without rewriting
-- the table.
ALTER TABLE posts ADD COLUMN media_ids uuid[] NOT NULL DEFAULT '{}';
