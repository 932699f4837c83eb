-- Whether the user verified their email address, from auth-service's EmailVerified event.
ALTER TABLE profiles ADD COLUMN email_verified boolean NOT NULL DEFAULT false;
