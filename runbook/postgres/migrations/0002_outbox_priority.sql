-- How urgent a delivery is, so a read's limit takes the most urgent first
-- (runbook.Priority: -2 critical, -1 urgent, 0 normal, 1 bulk).
ALTER TABLE outbox ADD COLUMN priority smallint NOT NULL DEFAULT 0;
CREATE INDEX outbox_urgent ON outbox (sink, priority, id) WHERE delivered_at IS NULL;
