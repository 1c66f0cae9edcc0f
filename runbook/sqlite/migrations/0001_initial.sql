-- 1: the initial schema: occurrences, the append-only audit log (records),
-- durable timers, processed request ids (claims), the outbox, chat message
-- references and the store's own meta.

CREATE TABLE occurrences (
	id                INTEGER PRIMARY KEY,
	job               TEXT    NOT NULL,
	slot              TEXT    NOT NULL,
	window            TEXT    NOT NULL,
	state             TEXT    NOT NULL,
	requested_at      TEXT,
	reschedules       INTEGER NOT NULL DEFAULT 0,
	approved_by       TEXT    NOT NULL DEFAULT '',
	approved_at       TEXT,
	declined_by       TEXT    NOT NULL DEFAULT '',
	decline_reason    TEXT    NOT NULL DEFAULT '',
	run_by            TEXT    NOT NULL DEFAULT '',
	started_at        TEXT,
	finished_at       TEXT,
	exit_code         INTEGER,
	reason            TEXT    NOT NULL DEFAULT '',
	attempts          INTEGER NOT NULL DEFAULT 0,
	log_sha256        TEXT    NOT NULL DEFAULT '',
	delayed           INTEGER NOT NULL DEFAULT 0,
	justification     TEXT    NOT NULL DEFAULT '',
	failed_at         TEXT,
	incident_deadline TEXT,
	incident_ref      TEXT    NOT NULL DEFAULT '',
	incident_by       TEXT    NOT NULL DEFAULT '',
	incident_at       TEXT,
	escalated         INTEGER NOT NULL DEFAULT 0,
	learnings         TEXT    NOT NULL DEFAULT '',
	UNIQUE (job, slot)
);
CREATE INDEX occurrences_window ON occurrences (window);
CREATE INDEX occurrences_job_window ON occurrences (job, window);
CREATE INDEX occurrences_state ON occurrences (state);

CREATE TABLE records (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	occurrence INTEGER NOT NULL DEFAULT 0,
	at         TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	job        TEXT    NOT NULL DEFAULT '',
	window     TEXT    NOT NULL,
	actor      TEXT    NOT NULL DEFAULT '',
	envelope   TEXT    NOT NULL DEFAULT '',
	fields     TEXT
);
CREATE INDEX records_occurrence ON records (occurrence, id);
CREATE INDEX records_kind ON records (kind);
CREATE TRIGGER records_no_update BEFORE UPDATE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
CREATE TRIGGER records_no_delete BEFORE DELETE ON records
BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;

CREATE TABLE timers (
	id       INTEGER PRIMARY KEY,
	occ      INTEGER NOT NULL REFERENCES occurrences (id) ON DELETE CASCADE,
	kind     TEXT    NOT NULL,
	seq      INTEGER NOT NULL DEFAULT 0,
	due      TEXT    NOT NULL,
	fired_at TEXT,
	UNIQUE (occ, kind, seq)
);
CREATE INDEX timers_pending ON timers (fired_at, due);

CREATE TABLE claims (
	id TEXT PRIMARY KEY,
	at TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE outbox (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	sink         TEXT    NOT NULL,
	key          TEXT    NOT NULL DEFAULT '',
	payload      BLOB    NOT NULL,
	attempts     INTEGER NOT NULL DEFAULT 0,
	next_at      TEXT    NOT NULL,
	created_at   TEXT    NOT NULL,
	delivered_at TEXT,
	last_error   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox (sink, delivered_at, next_at);

CREATE TABLE message_refs (
	key     TEXT PRIMARY KEY,
	channel TEXT NOT NULL,
	ts      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE meta (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
) WITHOUT ROWID;
