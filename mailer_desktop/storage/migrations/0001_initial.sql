-- Mailer Desktop schema, version 1. Never edit this file once released:
-- changes go into a new numbered migration.
-- Timestamps are UTC ISO-8601 strings ('2026-11-23T12:00:00Z').

CREATE TABLE schema_migrations (
    version     INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    applied_at  TEXT NOT NULL
);

-- Facts about this data folder: install_id (names this folder's secrets in the keyring), created_at.
CREATE TABLE app_meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

-- User settings declared in config.SETTINGS; value is JSON.
CREATE TABLE settings (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE contacts (
    id                  INTEGER PRIMARY KEY,
    email               TEXT NOT NULL,              -- normalised address as shown and mailed
    email_key           TEXT NOT NULL UNIQUE,       -- canonical form for de-duplication
    name                TEXT NOT NULL DEFAULT '',
    fields              TEXT NOT NULL DEFAULT '{}', -- JSON object of custom fields
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'confirmed', 'unsubscribed', 'bounced', 'complained')),
    consent_basis       TEXT CHECK (consent_basis IN ('express', 'implied')),
    consent_expires_at  TEXT,                       -- CASL implied consent: purchase + 2 years
    source              TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    status_changed_at   TEXT NOT NULL,
    confirm_sent_at     TEXT,                       -- last confirmation request
    confirm_sent_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_by_status ON contacts(status, email_key);
CREATE INDEX contacts_by_name ON contacts(name COLLATE NOCASE);
CREATE INDEX contacts_by_created ON contacts(created_at);

CREATE TABLE lists (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL
);

CREATE TABLE list_members (
    list_id     INTEGER NOT NULL REFERENCES lists(id) ON DELETE CASCADE,
    contact_id  INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    added_at    TEXT NOT NULL,
    PRIMARY KEY (list_id, contact_id)
) WITHOUT ROWID;
CREATE INDEX list_members_by_contact ON list_members(contact_id);

-- Append-only consent trail. contact_id is NULL only for events that outlive an erasure
-- (kind 'erased'), which carry no personal data.
CREATE TABLE consent_events (
    id             INTEGER PRIMARY KEY,
    contact_id     INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    kind           TEXT NOT NULL,     -- created, imported, confirmation_requested, confirmed, unsubscribed,
                                      -- bounced, complained, edited, exported, list_added, list_removed, erased ...
    at             TEXT NOT NULL,
    channel        TEXT NOT NULL DEFAULT '',   -- gui, cli, import, email_reply, https, inbox, send, system
    wording        TEXT NOT NULL DEFAULT '',   -- the exact wording the person saw, where there was one
    evidence       TEXT NOT NULL DEFAULT '',   -- e.g. the reply's Message-ID and Date, an import's proof text
    status_before  TEXT,
    status_after   TEXT
);
CREATE INDEX consent_events_by_contact ON consent_events(contact_id, id);

CREATE TRIGGER consent_events_no_update BEFORE UPDATE ON consent_events
BEGIN
    SELECT RAISE(ABORT, 'consent events are append-only');
END;

-- Keyed hashes (HMAC-SHA256 with the suppression key from the keyring) of normalised addresses
-- or of whole domains. Checked on every import and every send.
CREATE TABLE suppressions (
    hash        TEXT PRIMARY KEY,
    scope       TEXT NOT NULL DEFAULT 'address' CHECK (scope IN ('address', 'domain')),
    reason      TEXT NOT NULL,   -- unsubscribed, hard_bounce, soft_bounce, complaint, erased, manual
    created_at  TEXT NOT NULL,
    display     TEXT,            -- the address or domain while it may be shown; NULL after erasure
    note        TEXT NOT NULL DEFAULT ''
) WITHOUT ROWID;

CREATE TABLE accounts (
    id                INTEGER PRIMARY KEY,
    name              TEXT NOT NULL UNIQUE COLLATE NOCASE,
    preset            TEXT NOT NULL DEFAULT 'other',
    host              TEXT NOT NULL,
    port              INTEGER NOT NULL,
    security          TEXT NOT NULL CHECK (security IN ('starttls', 'tls', 'none')),
    username          TEXT NOT NULL DEFAULT '',      -- empty: no AUTH; the password is in the keyring
    pool_size         INTEGER NOT NULL DEFAULT 2,
    rate_per_second   REAL NOT NULL DEFAULT 5,
    rate_per_hour     INTEGER NOT NULL DEFAULT 0,    -- 0: no limit
    rate_per_day      INTEGER NOT NULL DEFAULT 0,
    imap_host         TEXT NOT NULL DEFAULT '',
    imap_port         INTEGER NOT NULL DEFAULT 993,
    imap_security     TEXT NOT NULL DEFAULT 'tls' CHECK (imap_security IN ('starttls', 'tls', 'none')),
    imap_username     TEXT NOT NULL DEFAULT '',
    imap_folder       TEXT NOT NULL DEFAULT 'INBOX',
    imap_done_folder  TEXT NOT NULL DEFAULT '',      -- empty: flag processed mail instead of moving it
    builtin           INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL
);

-- Messages counted against an account's daily budget (persists across restarts).
CREATE TABLE account_usage (
    account_id  INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    day         TEXT NOT NULL,      -- UTC date 'YYYY-MM-DD'
    sent        INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

CREATE TABLE templates (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    subject        TEXT NOT NULL DEFAULT '',
    preheader      TEXT NOT NULL DEFAULT '',
    source_format  TEXT NOT NULL DEFAULT 'html' CHECK (source_format IN ('html', 'markdown')),
    source         TEXT NOT NULL DEFAULT '',   -- what the user wrote (HTML or Markdown)
    text           TEXT NOT NULL DEFAULT '',   -- plain-text body; empty: generated from the HTML
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- A campaign keeps its own copy of the content, so editing a template never changes what
-- was sent. kind 'confirmation' holds double opt-in requests, 'test' a send-a-test-to-me.
CREATE TABLE campaigns (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'campaign' CHECK (kind IN ('campaign', 'confirmation', 'test')),
    template_id    INTEGER REFERENCES templates(id) ON DELETE SET NULL,
    list_id        INTEGER REFERENCES lists(id) ON DELETE SET NULL,
    account_id     INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
    subject        TEXT NOT NULL DEFAULT '',
    preheader      TEXT NOT NULL DEFAULT '',
    source_format  TEXT NOT NULL DEFAULT 'html' CHECK (source_format IN ('html', 'markdown')),
    source         TEXT NOT NULL DEFAULT '',
    text           TEXT NOT NULL DEFAULT '',
    state          TEXT NOT NULL DEFAULT 'draft'
                   CHECK (state IN ('draft', 'sending', 'paused', 'cancelled', 'done')),
    state_reason   TEXT NOT NULL DEFAULT '',   -- why it paused (auth failure, policy blocks ...)
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    finished_at    TEXT
);

CREATE TABLE campaign_attachments (
    id           INTEGER PRIMARY KEY,
    campaign_id  INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    filename     TEXT NOT NULL,
    mime_type    TEXT NOT NULL,
    data         BLOB NOT NULL
);

-- The durable send log: a row is claimed ('sending') before its SMTP transaction and
-- recorded after it. A row still 'sending' when a run starts was cut off: 'uncertain'.
CREATE TABLE deliveries (
    id               INTEGER PRIMARY KEY,
    campaign_id      INTEGER NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    contact_id       INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    state            TEXT NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'sending', 'sent', 'deferred', 'failed', 'uncertain', 'skipped')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_reply       TEXT NOT NULL DEFAULT '',
    message_id       TEXT,
    queued_at        TEXT NOT NULL,
    claimed_at       TEXT,
    finished_at      TEXT,
    next_attempt_at  TEXT,
    UNIQUE (campaign_id, contact_id)
);
CREATE INDEX deliveries_by_state ON deliveries(campaign_id, state);
CREATE INDEX deliveries_by_contact ON deliveries(contact_id);
CREATE INDEX deliveries_by_message_id ON deliveries(message_id);

-- Every processed returned mail, once (message_key = Message-ID or a hash of the bytes):
-- this is what makes re-importing the same mail change nothing.
CREATE TABLE inbox_messages (
    id            INTEGER PRIMARY KEY,
    message_key   TEXT NOT NULL UNIQUE,
    source        TEXT NOT NULL DEFAULT '',     -- file name, mbox, imap:account/folder
    sender        TEXT NOT NULL DEFAULT '',
    subject       TEXT NOT NULL DEFAULT '',
    received_at   TEXT,                         -- the mail's Date
    processed_at  TEXT NOT NULL,
    kind          TEXT NOT NULL,                -- classifier kind of the first result
    outcome       TEXT NOT NULL DEFAULT '',     -- what was done, in words
    contact_id    INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    needs_review  INTEGER NOT NULL DEFAULT 0,
    decision      TEXT,                         -- the user's decision on a review item
    snippet       TEXT NOT NULL DEFAULT ''      -- the start of the text, for the review list
);
CREATE INDEX inbox_messages_review ON inbox_messages(needs_review);

CREATE TABLE bounce_events (
    id                INTEGER PRIMARY KEY,
    contact_id        INTEGER REFERENCES contacts(id) ON DELETE CASCADE,
    campaign_id       INTEGER REFERENCES campaigns(id) ON DELETE SET NULL,
    inbox_message_id  INTEGER REFERENCES inbox_messages(id) ON DELETE CASCADE,
    kind              TEXT NOT NULL CHECK (kind IN ('hard', 'soft', 'complaint')),
    status            TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    at                TEXT NOT NULL
);
CREATE INDEX bounce_events_by_contact ON bounce_events(contact_id, at);
CREATE INDEX bounce_events_by_campaign ON bounce_events(campaign_id);

INSERT INTO accounts (name, preset, host, port, security, pool_size, rate_per_second, builtin, created_at)
VALUES ('sandbox', 'sandbox', '127.0.0.1', 2525, 'none', 4, 0, 1, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'));

-- Consent events disappear only with their contact (erasure); a direct DELETE is refused.
CREATE TRIGGER consent_events_no_delete BEFORE DELETE ON consent_events
WHEN EXISTS (SELECT 1 FROM contacts WHERE id = OLD.contact_id)
BEGIN
    SELECT RAISE(ABORT, 'consent events are append-only');
END;
