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
