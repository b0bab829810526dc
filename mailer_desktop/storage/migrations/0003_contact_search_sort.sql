-- Word searches sorted by address: the lookup plan reads each hit's sort key from this narrow
-- (id, email_key) index instead of the wide contact rows (about a quarter of the pages), so a
-- search with tens of thousands of hits late in the address order still shows its first rows fast.

CREATE INDEX contacts_by_id_email_key ON contacts(id, email_key);
