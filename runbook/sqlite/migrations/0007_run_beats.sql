-- 7: who runs an occurrence's attempt and its last beat (runbook.Tx.OwnRun).

CREATE TABLE run_beats (
	occ     INTEGER PRIMARY KEY REFERENCES occurrences (id) ON DELETE CASCADE,
	attempt INTEGER NOT NULL,
	owner   TEXT    NOT NULL,
	beat_at TEXT    NOT NULL
);
