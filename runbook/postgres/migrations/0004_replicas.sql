-- 2: several replicas on one database. The clock's lease (runbook.Leadership):
-- one row, whose expiry is on the database's clock; epoch grows every time
-- the lease is taken, and fences the leader's work (Tx.Fence).

CREATE TABLE leases (
	name        text        PRIMARY KEY,
	holder      text        NOT NULL,
	epoch       bigint      NOT NULL,
	expires_at  timestamptz NOT NULL,
	acquired_at timestamptz NOT NULL
);

-- Who runs an occurrence's attempt and its last beat (runbook.Tx.OwnRun): the
-- leader takes over a run whose beat is older than 30 s, by the database's clock.
CREATE TABLE run_beats (
	occ     bigint      PRIMARY KEY REFERENCES occurrences (id) ON DELETE CASCADE,
	attempt integer     NOT NULL,
	owner   text        NOT NULL,
	beat_at timestamptz NOT NULL
);

-- Full run logs, so that any replica can read the log of a run another one
-- executed: the log file's bytes in order, gzip-compressed chunks. Kept as
-- evidence, as the audit log is.
CREATE TABLE run_logs (
	run  text        NOT NULL,
	seq  integer     NOT NULL,
	data bytea       NOT NULL,
	at   timestamptz NOT NULL DEFAULT clock_timestamp(),
	PRIMARY KEY (run, seq)
);
