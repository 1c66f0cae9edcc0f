-- 4: the latest look-up of the job's open tickets, shown again when the request is edited.

ALTER TABLE occurrences ADD COLUMN tickets TEXT NOT NULL DEFAULT '';
