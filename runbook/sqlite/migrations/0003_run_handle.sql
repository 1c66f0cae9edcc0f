-- 3: how to find a running script's processes after a crash.

ALTER TABLE occurrences ADD COLUMN run_handle TEXT NOT NULL DEFAULT '';
