-- Each Refresh drops the answer kept for a retry of the token before it (found by replaced_by):
-- without an index that was a scan of every refresh token ever issued. Only rows still holding an
-- answer are looked up, so only they are indexed.
CREATE INDEX refresh_tokens_replaced_by_idx ON refresh_tokens (replaced_by) WHERE replay_pair IS NOT NULL;
