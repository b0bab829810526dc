-- Tokens name a contact by a token id that is never handed out twice.
--
-- contacts.id is an INTEGER PRIMARY KEY, so SQLite gives the highest id out again after that
-- contact is deleted (erasure, retention purge). A token bound to the id would then act on the
-- next person to get it. From this version every new contact gets a random token id
-- (2^32 .. 2^32 + 2^59, 15 hex digits at most) and tokens carry that instead of the id.
-- Contacts that exist now keep a NULL token id and go on being named by their id, so every
-- token already sent keeps working for the person it was sent to; a contact created later
-- always has a token id, so an old token never resolves to a newcomer who got a recycled id.
ALTER TABLE contacts ADD COLUMN token_id INTEGER;
CREATE INDEX contacts_by_token_id ON contacts(token_id) WHERE token_id IS NOT NULL;

-- A contact inserted without a token id (a path that forgot it) still gets one.
CREATE TRIGGER contacts_token_id AFTER INSERT ON contacts
WHEN NEW.token_id IS NULL
BEGIN
    UPDATE contacts SET token_id = (random() & 576460752303423487) + 4294967296 WHERE id = NEW.id;
END;

-- The inbox source's own mail server, whose Authentication-Results headers are trusted
-- (RFC 8601 authserv-id); empty: none is trusted.
ALTER TABLE accounts ADD COLUMN imap_authserv_id TEXT NOT NULL DEFAULT '';

-- Confirmation requests the user started for someone who had opted out and asked to come back.
-- Only the campaign named here may send that person a request despite the opt-out; their reply
-- to it is what confirms them again (a reply to a request from before the opt-out never does).
CREATE TABLE reconfirmations (
    campaign_id   INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    contact_id    INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    requested_at  TEXT NOT NULL,
    PRIMARY KEY (campaign_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX reconfirmations_by_contact ON reconfirmations(contact_id);
