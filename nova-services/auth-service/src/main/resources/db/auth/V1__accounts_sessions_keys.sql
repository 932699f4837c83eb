-- auth-service owns credentials, sessions, refresh tokens and signing keys (schema "auth").

CREATE TABLE accounts (
    id               uuid PRIMARY KEY,
    email            text        NOT NULL,
    username         text        NOT NULL,
    display_name     text        NOT NULL,
    password_hash    text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    totp_secret      text,                 -- base32; set once 2FA is enabled
    totp_pending     text,                 -- base32; set between EnrollTotp and ConfirmTotp
    totp_enabled_at  timestamptz,
    totp_last_step   bigint                -- last accepted TOTP time step: a code is usable once
);
-- Emails are unique case-insensitively; usernames are stored lowercase.
CREATE UNIQUE INDEX accounts_email_key ON accounts (lower(email));
CREATE UNIQUE INDEX accounts_username_key ON accounts (username);

-- A session is one login; all refresh tokens of a session form its rotation family.
CREATE TABLE sessions (
    id          uuid PRIMARY KEY,
    account_id  uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz,
    revoked_why text
);
CREATE INDEX sessions_account_idx ON sessions (account_id);

-- Refresh tokens are stored as SHA-256 hashes only; a used token stays, to detect reuse.
CREATE TABLE refresh_tokens (
    token_hash  text PRIMARY KEY,
    session_id  uuid        NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    issued_at   timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz
);
CREATE INDEX refresh_tokens_session_idx ON refresh_tokens (session_id);

-- The signing key ring shared by every auth-service instance: one row holding the private JWK
-- set (current key plus rotated-out keys that still verify). Rotation happens under a row lock.
CREATE TABLE key_ring (
    id           smallint    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    private_jwks text        NOT NULL,
    rotated_at   timestamptz NOT NULL
);
