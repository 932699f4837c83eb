-- Sign-in with external OpenID Connect providers.

-- An account created by a provider's sign-in has no password until a password reset sets one.
ALTER TABLE accounts ALTER COLUMN password_hash DROP NOT NULL;

-- The provider identities linked to each account: (provider, subject) is the identity, for good.
CREATE TABLE identities (
    provider        text        NOT NULL,
    subject         text        NOT NULL,
    account_id      uuid        NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email           text,                 -- as the provider gave it when linked (informational)
    linked_at       timestamptz NOT NULL DEFAULT now(),
    last_sign_in_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider, subject)
);
CREATE INDEX identities_account_idx ON identities (account_id);

-- Started sign-ins, each completed at most once: found by the SHA-256 of its state (the state
-- itself only travels through the browser), deleted when completed, refused once expired.
CREATE TABLE oidc_sign_ins (
    state_hash    text        PRIMARY KEY,
    provider      text        NOT NULL,
    nonce         text        NOT NULL,
    code_verifier text        NOT NULL,  -- PKCE: useless without the code, which only the browser sees
    redirect_uri  text        NOT NULL,
    expires_at    timestamptz NOT NULL
);
CREATE INDEX oidc_sign_ins_expires_idx ON oidc_sign_ins (expires_at);
