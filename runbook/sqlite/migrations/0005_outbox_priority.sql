-- 5: how urgent a delivery is, so a read's limit takes the most urgent first
-- (runbook.Priority; 0 is normal).

ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbox_urgent ON outbox (sink, priority, id) WHERE delivered_at IS NULL;
