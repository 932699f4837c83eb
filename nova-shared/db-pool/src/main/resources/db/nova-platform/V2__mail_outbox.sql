-- The mail outbox of nova-mail: messages written in the same transaction as the change they
-- announce (an account registered, a password reset asked for) and sent over SMTP by MailRelay,
-- with retries and back-off, so a mail server outage delays mail and loses none. An empty table in
-- the schemas of services that send no mail.
CREATE TABLE mail_outbox (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mail_id         UUID        NOT NULL UNIQUE,
    recipient       TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    -- Rendered bodies; they can hold single-use tokens, so they are blanked once the mail is sent.
    text_body       TEXT        NOT NULL,
    html_body       TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    attempts        INT         NOT NULL DEFAULT 0,
    -- A relay claims a due row by moving this past its send timeout (a lease): a relay that dies
    -- mid-send leaves the row due again once the lease ends.
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    failed_at       TIMESTAMPTZ
);

CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;
CREATE INDEX mail_outbox_done ON mail_outbox (created_at) WHERE sent_at IS NOT NULL OR failed_at IS NOT NULL;
