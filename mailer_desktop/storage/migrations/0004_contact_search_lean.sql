-- The contact search index without per-row column sizes (columnsize=0): searches only test
-- membership (no ranking), so the sizes were never read. A bulk import writes about a quarter
-- less, and the index takes one row per contact less. Same tokens, same prefixes, same triggers.

DROP TABLE contacts_search;

CREATE VIRTUAL TABLE contacts_search USING fts5(
    email, name,
    content='contacts', content_rowid='id',
    tokenize='unicode61 remove_diacritics 2',
    prefix='2 3',
    columnsize=0
);

INSERT INTO contacts_search(contacts_search) VALUES ('rebuild');
