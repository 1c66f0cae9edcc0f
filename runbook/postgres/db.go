// Package postgres is the PostgreSQL store of runbook-bot, selected by a
// postgres:// RUNBOOK_DB: the same data and guarantees as the SQLite store
// (runbook/sqlite), for installations that keep their state in a PostgreSQL
// they already operate. Both pass the conformance suite in runbook/storetest.
//
// # Writers take turns
//
// Every Update first takes one transaction-scoped advisory lock
// (pg_advisory_xact_lock), so the writers of every process on the database
// run one after the other, as SQLite's single writer does, and then works at
// READ COMMITTED: each statement runs after the lock was granted and sees
// every write committed before it. That gives, with several writers:
//
//   - read-modify-write is safe (an occurrence read, stepped and saved; a
//     counter in meta), and FireTimer and Claim are exactly-once;
//   - ids follow commit order: a row of the outbox or the audit log never
//     commits after a row with a greater id was read, so the outbox's per-key
//     order and the ITSM's event order hold. SERIALIZABLE would also keep
//     read-modify-write safe, but sequences hand out ids at insert, not at
//     commit: with two writers, outbox row 11 could be delivered before row
//     10 commits. Row locks cannot order inserts either;
//   - fn runs once (no serialization failures to retry), as with SQLite.
//
// The price is that writes do not run in parallel, as with SQLite: each
// holds the lock for a few round trips. Views take no lock: each is one
// REPEATABLE READ, READ ONLY snapshot. Within a process, Updates also queue
// in Go before taking a connection, so waiting writers never starve the
// readers of connections.
//
// A transaction that still fails for a conflict (40001 serialization
// failure, 40P01 deadlock: only if something else locks these tables) or on
// a connection that broke before the statement was sent is run again, up to
// maxAttempts times.
//
// # Replicas
//
// Several replicas may share the database (docs/operations.md §3.3). They take
// turns holding the clock's lease (runbook.Leadership: Campaign, Resign,
// Leader; one row of leases, its expiry on the database's clock), whose epoch
// fences the leader's transactions (Tx.Fence); they record who runs what and
// when it was last seen alive (OwnRun, BeatRun, StaleRuns: run_beats, on the
// database's clock), keep the full run logs (AppendRunLog, RunLog), and wake
// each other at commit (a NOTIFY queued by a transaction that armed a timer or
// queued a delivery; Listen).
//
// Times are timestamptz, exact to the microsecond. PostgreSQL cannot keep the
// NUL character in text: it is stored as U+FFFD.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Advisory lock keys ("runbook" and a number), per database.
const (
	writeLockKey   int64 = 0x72756e626f6f6b01 // every Update, for its transaction
	migrateLockKey int64 = 0x72756e626f6f6b02 // schema migrations, for the session
)

// maxAttempts bounds how often one Update is tried.
const maxAttempts = 8

// defaultConnectTimeout applies when the URL sets no connect_timeout.
const defaultConnectTimeout = 10 * time.Second

// DB is the PostgreSQL store; it implements runbook.Store.
type DB struct {
	name   string // the URL without its password
	url    string
	pool   *pgxpool.Pool
	writer chan struct{} // one Update of this process at a time
}

var _ runbook.Store = (*DB)(nil)

// openOptions are test hooks.
type openOptions struct {
	// beforeMigrate runs with the migration lock held, given how many
	// migrations are about to be applied.
	beforeMigrate func(pending int)
}

// Open connects to the database at url (postgres:// or postgresql://),
// brings its schema up to date under an advisory lock (so that processes
// starting together migrate once) and probes that it can write.
// Its errors name the database by its URL without the password.
func Open(ctx context.Context, url string) (*DB, error) {
	return open(ctx, url, openOptions{})
}

func open(ctx context.Context, url string, opt openOptions) (*DB, error) {
	name := Redact(url)
	cfg, err := ParseURL(url)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = defaultConnectTimeout
	}
	if cfg.ConnConfig.RuntimeParams["application_name"] == "" {
		cfg.ConnConfig.RuntimeParams["application_name"] = "runbook-bot"
	}
	db := &DB{name: name, url: url, writer: make(chan struct{}, 1)}
	db.pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, db.describe(err)
	}
	if err := db.migrate(ctx, opt); err != nil {
		db.pool.Close()
		return nil, err
	}
	// Write probe: a store that cannot write state is useless, say so at start.
	probe := func(tx runbook.Tx) error {
		return tx.SetMeta(MetaOpenedAt, time.Now().UTC().Format(time.RFC3339Nano))
	}
	if err := db.Update(ctx, probe); err != nil {
		db.pool.Close()
		return nil, db.describe(err)
	}
	return db, nil
}

// Meta keys written by the store itself (the same as the SQLite store's).
const (
	MetaCreatedAt = "created_at" // RFC 3339 (nanoseconds, UTC) time the database was created
	MetaOpenedAt  = "opened_at"  // last time Open succeeded; written at every open as a write probe
)

// Name returns the database's URL with the password replaced, for messages.
func (db *DB) Name() string { return db.name }

// Close closes every connection.
func (db *DB) Close() error {
	db.pool.Close()
	return nil
}

// Update runs fn in one write transaction, after the writers before it (see
// the package documentation). fn's error or panic rolls it back (the panic
// goes on), and so does a failed write. fn must not call Update itself.
func (db *DB) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	select {
	case db.writer <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writer }()
	var err error
	for attempt := 1; ; attempt++ {
		err = db.update(ctx, fn)
		if err == nil || !retryable(err) || ctx.Err() != nil {
			return err
		}
		if attempt == maxAttempts {
			return fmt.Errorf("postgres: gave up after %d attempts: %w", attempt, err)
		}
		// Exponential backoff with jitter: 2 ms, 4 ms, … up to 200 ms.
		d := min(200*time.Millisecond, time.Duration(1<<attempt)*time.Millisecond)
		d = d/2 + rand.N(d/2+1)
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (db *DB) update(ctx context.Context, fn func(runbook.Tx) error) error {
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.ReadCommitted, AccessMode: pgx.ReadWrite})
	if err != nil {
		return db.describe(err)
	}
	done := false
	defer func() {
		if !done {
			rollback(ptx)
		}
	}()
	if _, err := ptx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLockKey); err != nil {
		return db.describe(err)
	}
	t := &tx{ctx: ctx, tx: ptx}
	guard := runbook.NewWriteGuard(t)
	ferr := fn(guard)
	switch {
	case t.failed != nil && retryable(t.failed):
		return t.failed // run it again, whatever fn made of the error
	case ferr != nil:
		return ferr
	case guard.Err() != nil:
		return guard.Err() // a failed write: commit nothing of the transaction
	case t.failed != nil:
		return t.failed // the transaction is aborted: it cannot commit
	}
	if err := t.notify(); err != nil {
		return db.describe(err)
	}
	done = true
	if err := ptx.Commit(ctx); err != nil {
		return fmt.Errorf("postgres: commit: %w", db.describe(err))
	}
	return nil
}

// View runs fn in a read-only transaction that sees one snapshot; it takes no lock.
func (db *DB) View(ctx context.Context, fn func(runbook.Tx) error) error {
	ptx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return db.describe(err)
	}
	defer rollback(ptx)
	return fn(&tx{ctx: ctx, tx: ptx})
}

// rollback ends ptx, even when the caller's context is done.
func rollback(ptx pgx.Tx) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = ptx.Rollback(ctx)
}

// retryable reports whether a transaction that failed with err may be run
// again: a conflict with another transaction, or a statement the server
// never received.
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01"
	}
	return pgconn.SafeToRetry(err)
}

// describe prefixes an error with the database's name and makes sure its
// text does not hold the password. Domain errors pass unchanged.
func (db *DB) describe(err error) error {
	var re *runbook.Error
	if err == nil || errors.As(err, &re) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &dbError{msg: scrub(db.name+": "+err.Error(), db.url), err: err}
}

// dbError is an error of the database, its text scrubbed of the password.
type dbError struct {
	msg string
	err error
}

func (e *dbError) Error() string { return e.msg }
func (e *dbError) Unwrap() error { return e.err }
