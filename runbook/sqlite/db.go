// Package sqlite is the SQLite store of runbook-bot: occurrences, the
// append-only audit log, durable timers, processed request ids, the outbox and
// chat message references, in one file in WAL mode with synchronous=FULL.
//
// Times are stored as fixed-width UTC text ("2006-01-02T15:04:05.000000000Z"):
// exact to the nanosecond, sortable as strings, readable with the sqlite3
// shell, and able to hold the zero time. They come back in UTC.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// DB is the SQLite store; it implements runbook.Store.
type DB struct {
	path string
	w    *sql.DB // the one writer connection: BEGIN IMMEDIATE
	r    *sql.DB // read pool: deferred read-only transactions, never blocks the writer (WAL)

	ws, rs *stmtCache // prepared statements of w and r
}

var _ runbook.Store = (*DB)(nil)

// Meta keys written by the store itself.
const (
	MetaCreatedAt = "created_at" // RFC 3339 (nanoseconds, UTC) time the database was created
	MetaOpenedAt  = "opened_at"  // last time Open succeeded; written at every open as a write probe
)

// openOptions are test hooks.
type openOptions struct {
	readOnly bool // open the writer with mode=ro: simulates a file we cannot write, even as root
}

// Open opens (creating it and its parent directories when missing) the database
// at path, checks it, and brings its schema up to date.
func Open(ctx context.Context, path string) (*DB, error) {
	return open(ctx, path, openOptions{})
}

func open(ctx context.Context, path string, opt openOptions) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("%s: cannot create directory %s: %w", path, dir, unwrapPathErr(err, dir))
		}
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s: is a directory, not a database file", path)
	}
	if !opt.readOnly {
		if err := createPrivate(path); err != nil {
			return nil, err
		}
	}

	wq := []string{
		"_pragma=busy_timeout(5000)",
		"_pragma=foreign_keys(1)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_txlock=immediate",
	}
	if opt.readOnly {
		wq = append(wq, "mode=ro")
	}
	w, err := sql.Open("sqlite", dsn(path, wq))
	if err != nil {
		return nil, describe(path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	db := &DB{path: path, w: w, ws: newStmtCache(w)}
	if err := db.init(ctx); err != nil {
		w.Close()
		return nil, err
	}

	r, err := sql.Open("sqlite", dsn(path, []string{
		"_pragma=busy_timeout(5000)",
		"_pragma=foreign_keys(1)",
		"_pragma=query_only(1)",
	}))
	if err != nil {
		w.Close()
		return nil, describe(path, err)
	}
	n := max(4, runtime.GOMAXPROCS(0))
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	db.r, db.rs = r, newStmtCache(r)
	if err := r.PingContext(ctx); err != nil {
		db.Close()
		return nil, describe(path, err)
	}
	return db, nil
}

// createPrivate creates the database file, empty, with mode 0600 whatever the
// umask or the directory (an explicit chmod after creating it); SQLite gives the
// -wal, -shm and journal files it creates the database file's mode, so they are
// 0600 too. An existing file is left as it is.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: cannot open or create the database (check that the directory exists and is writable): %w", path, unwrapPathErr(err, path))
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("%s: cannot make the database private: %w", path, unwrapPathErr(err, path))
	}
	return f.Close()
}

// dsn builds a modernc.org/sqlite URI for path with the query parameters q.
func dsn(path string, q []string) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + esc + "?" + strings.Join(q, "&")
}

// init checks the file, migrates it and probes that it is writable.
func (db *DB) init(ctx context.Context) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return describe(db.path, err)
	}
	defer conn.Close()

	rows, err := conn.QueryContext(ctx, "PRAGMA quick_check")
	if err != nil {
		return describe(db.path, err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return describe(db.path, err)
		}
		if s != "ok" {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return describe(db.path, err)
	}
	rows.Close()
	if len(problems) > 0 {
		if len(problems) > 3 {
			problems = append(problems[:3], fmt.Sprintf("and %d more", len(problems)-3))
		}
		return fmt.Errorf("%s: database is corrupt (integrity check: %s)", db.path, strings.Join(problems, "; "))
	}

	if err := db.migrate(ctx, conn); err != nil {
		return err
	}
	// Write probe: a store that cannot write state is useless, say so at start.
	now := fmtTime(time.Now())
	if _, err := conn.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, MetaOpenedAt, now); err != nil {
		return describe(db.path, err)
	}
	return nil
}

// describe turns an open-time error into one that names the path and what is wrong.
func describe(path string, err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_NOTADB:
			return fmt.Errorf("%s: file is not a database", path)
		case sqlite3.SQLITE_CORRUPT:
			return fmt.Errorf("%s: database is corrupt: %w", path, err)
		case sqlite3.SQLITE_READONLY:
			return fmt.Errorf("%s: read-only: cannot write state (check permissions of the file and its directory): %w", path, err)
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("%s: cannot open or create the database (check that the directory exists and is writable): %w", path, err)
		case sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH:
			return fmt.Errorf("%s: permission denied: %w", path, err)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s: disk full: %w", path, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s: database is locked by another process: %w", path, err)
		case sqlite3.SQLITE_IOERR:
			return fmt.Errorf("%s: I/O error: %w", path, err)
		}
	}
	if errors.Is(err, fs.ErrPermission) || errors.Is(err, syscall.EROFS) {
		return fmt.Errorf("%s: read-only: cannot write state (check permissions): %w", path, err)
	}
	return fmt.Errorf("%s: %w", path, err)
}

// unwrapPathErr drops the path of a *PathError when it is dir (it would repeat it).
func unwrapPathErr(err error, dir string) error {
	var pe *fs.PathError
	if errors.As(err, &pe) && pe.Path == dir {
		return pe.Err
	}
	return err
}

// Path returns the database file path.
func (db *DB) Path() string { return db.path }

// Close closes the read pool, then the writer (the last connection checkpoints the WAL).
func (db *DB) Close() error {
	db.ws.close()
	db.rs.close()
	var err error
	if db.r != nil {
		err = db.r.Close()
	}
	if werr := db.w.Close(); werr != nil {
		err = werr
	}
	return err
}

// Update runs fn in one write transaction (BEGIN IMMEDIATE) committed durably.
// fn's error or panic rolls it back (the panic goes on). fn must not call
// Update itself: there is one writer connection.
func (db *DB) Update(ctx context.Context, fn func(runbook.Tx) error) error {
	return db.run(ctx, db.w, db.ws, false, fn)
}

// View runs fn in a read-only transaction; it sees one snapshot and does not block the writer.
func (db *DB) View(ctx context.Context, fn func(runbook.Tx) error) error {
	return db.run(ctx, db.r, db.rs, true, fn)
}

func (db *DB) run(ctx context.Context, pool *sql.DB, stmts *stmtCache, readOnly bool, fn func(runbook.Tx) error) (err error) {
	stmts.prepare(ctx) // before BEGIN: preparing needs the pool's connection
	stx, err := pool.BeginTx(ctx, &sql.TxOptions{ReadOnly: readOnly})
	if err != nil {
		return fmt.Errorf("sqlite: begin: %w", err)
	}
	done := false
	defer func() {
		if !done {
			stx.Rollback() //nolint:errcheck // fn's error or panic matters more
		}
	}()
	t := &tx{ctx: ctx, tx: stx, stmts: stmts}
	if readOnly {
		if err := fn(t); err != nil {
			return err
		}
		done = true
		return stx.Rollback()
	}
	guard := runbook.NewWriteGuard(t)
	if err := fn(guard); err != nil {
		return err
	}
	if err := guard.Err(); err != nil {
		return err // a failed write: commit nothing of the transaction
	}
	done = true
	if err := stx.Commit(); err != nil {
		return fmt.Errorf("sqlite: commit: %w", err)
	}
	return nil
}

// tx implements runbook.Tx on one SQL transaction.
type tx struct {
	ctx   context.Context
	tx    *sql.Tx
	stmts *stmtCache
}

var _ runbook.Tx = (*tx)(nil)

// exec, query and row run q as a prepared statement once it is in the cache.
// Every query of this package reads its rows to the end and closes them before
// the next statement, so a statement is never run again while its rows are open.
func (t *tx) exec(q string, args ...any) (sql.Result, error) {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(t.ctx, st).ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *tx) query(q string, args ...any) (*sql.Rows, error) {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(t.ctx, st).QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, q, args...)
}

func (t *tx) row(q string, args ...any) *sql.Row {
	if st := t.stmts.get(q); st != nil {
		return t.tx.StmtContext(t.ctx, st).QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// sqliteCode returns the extended result code of err, 0 when it is not an SQLite error.
func sqliteCode(err error) int {
	var se *msqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// notFound is the KindNotFound error of a missing row.
func notFound(code string, id any) error {
	return runbook.NewError(runbook.KindNotFound, code, map[string]any{"id": id})
}
