-- Email verification and password reset: when an account's address was verified, and the
-- single-use tokens mailed for both (stored as SHA-256 hashes only, like refresh tokens).
ALTER TABLE accounts ADD COLUMN email_verified_at timestamptz;

CREATE TABLE email_tokens (
    token_hash  text        PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    purpose     text        NOT NULL CHECK (purpose IN ('verify-email', 'password-reset')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX email_tokens_account_idx ON email_tokens (account_id);
