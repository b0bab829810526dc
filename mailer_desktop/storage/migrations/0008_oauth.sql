-- OAuth2 sign-in (Microsoft, Google, another provider) instead of a password.
--
-- Empty: the account logs in with the password kept in the keyring (or not at all). Otherwise a
-- JSON object naming the provider and its endpoints, scopes and client ID; the tokens themselves
-- live only in the keyring.
ALTER TABLE accounts ADD COLUMN oauth TEXT NOT NULL DEFAULT '';
