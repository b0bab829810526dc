-- Reads the window makes on big data without scanning a whole table:
-- * when mail was last sent (the inbox reminder in the status bar, at start-up and on every
--   refresh of the Inbox page): a partial index of the sent deliveries by time (on 1,100,000
--   deliveries: 170 ms per read before);
-- * the suppression list, newest first, a window at a time, also per reason (on 200,000
--   entries: 51 ms for the first window and 237 ms for the last before, each a full sort).

CREATE INDEX deliveries_sent_at ON deliveries(finished_at) WHERE state = 'sent';
CREATE INDEX suppressions_by_created ON suppressions(created_at);
CREATE INDEX suppressions_by_reason ON suppressions(reason, created_at);
