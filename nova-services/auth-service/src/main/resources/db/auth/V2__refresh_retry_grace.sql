-- A Refresh whose answer was lost (a gateway timeout) may be retried with the same refresh token for
-- auth.refresh-retry-grace and gets the same new pair. What that needs, per used token:
ALTER TABLE refresh_tokens
    -- SHA-256 of the refresh token this one was exchanged for (a retry is refused once that one is used)
    ADD COLUMN replaced_by text,
    -- the answer of that exchange, AES-256-GCM under a key derived from the presented refresh token,
    -- which is never stored: the table alone does not give the new tokens. Cleared once the successor is used.
    ADD COLUMN replay_pair bytea;
