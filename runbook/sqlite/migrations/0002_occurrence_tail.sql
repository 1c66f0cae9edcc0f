-- 2: the redacted tail of the latest run's output, kept for the incident post.

ALTER TABLE occurrences ADD COLUMN tail TEXT NOT NULL DEFAULT '';
