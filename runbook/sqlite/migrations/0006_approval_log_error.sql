-- 6: what an approval approved (the job row's command, owners and dependencies,
-- with their digest, as JSON); why the latest run's log is incomplete; and
-- delivered outbox rows found by age, to prune them after the retention.

ALTER TABLE occurrences ADD COLUMN approved TEXT NOT NULL DEFAULT '';
ALTER TABLE occurrences ADD COLUMN log_error TEXT NOT NULL DEFAULT '';
CREATE INDEX outbox_delivered ON outbox (delivered_at) WHERE delivered_at IS NOT NULL;
