-- Wakes the schema's OutboxRelay when a commit appended to the outbox: PostgreSQL delivers the
-- NOTIFY at commit (never for a rolled-back transaction), once per transaction however many rows
-- it appended. The relay LISTENs on the same channel; polling every poll-interval stays as the
-- fallback. The channel is cut to 63 characters, PostgreSQL's limit (OutboxRelay cuts it the same way).
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify(left('nova_outbox_' || TG_TABLE_SCHEMA, 63), '');
    RETURN NULL;
END
$$;

CREATE TRIGGER outbox_appended AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
