package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Table is the rows of one table to import: columns named as this store's
// schema names them, values as Go types pgx encodes into them.
type Table struct {
	Name    string
	Columns []string
	Rows    [][]any
}

// ErrNotEmpty refuses an Import into a database that already holds state.
var ErrNotEmpty = errors.New("the database is not empty")

// dataTables are the tables that hold state (meta aside; run logs are keyed
// by their run's unique id and may be copied before, see Import).
var dataTables = []string{"occurrences", "records", "timers", "claims", "outbox", "message_refs", "run_beats", "leases"}

// importable are the tables Import writes, and their ids' sequences.
var importable = map[string]bool{"meta": true, "occurrences": true, "records": true, "timers": true, "claims": true,
	"outbox": true, "message_refs": true, "run_beats": true}

// Import writes tables into an empty database in one transaction, ids
// included (message keys and references name occurrences by id), and moves
// the id sequences past them. It refuses (ErrNotEmpty) a database where any
// state was recorded: only the meta keys this store writes when it opens, and
// run logs, may be there; meta rows imported replace them.
func (db *DB) Import(ctx context.Context, tables []Table) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", writeLockKey); err != nil {
			return db.describe(err)
		}
		if err := checkEmpty(ctx, tx); err != nil {
			return err
		}
		for _, t := range tables {
			if !importable[t.Name] {
				return fmt.Errorf("postgres: import: unknown table %q", t.Name)
			}
			if len(t.Rows) == 0 {
				continue
			}
			if t.Name == "meta" {
				for _, r := range t.Rows {
					if _, err := tx.Exec(ctx, `INSERT INTO meta (key, value) VALUES ($1, $2)
						ON CONFLICT (key) DO UPDATE SET value = excluded.value`, r...); err != nil {
						return fmt.Errorf("postgres: import meta: %w", db.describe(err))
					}
				}
				continue
			}
			rows := make([][]any, len(t.Rows))
			for i, r := range t.Rows {
				rows[i] = clean(append([]any(nil), r...))
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{t.Name}, t.Columns, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("postgres: import %s: %w", t.Name, db.describe(err))
			}
		}
		for _, name := range []string{"occurrences", "records", "timers", "outbox"} {
			if _, err := tx.Exec(ctx, fmt.Sprintf(
				"SELECT setval(pg_get_serial_sequence('%[1]s', 'id'), coalesce(max(id), 0) + 1, false) FROM %[1]s", name)); err != nil {
				return fmt.Errorf("postgres: import: the ids of %s: %w", name, db.describe(err))
			}
		}
		return nil
	})
}

// CheckEmpty returns ErrNotEmpty, naming what is there, unless no state was
// recorded (as Import checks).
func (db *DB) CheckEmpty(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error { return checkEmpty(ctx, tx) })
}

// checkEmpty returns ErrNotEmpty, naming what is there, unless no state was recorded.
func checkEmpty(ctx context.Context, tx pgx.Tx) error {
	var found []string
	for _, name := range dataTables {
		var n int64
		if err := tx.QueryRow(ctx, "SELECT count(*) FROM "+name).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			found = append(found, fmt.Sprintf("%s: %d rows", name, n))
		}
	}
	var n int64
	if err := tx.QueryRow(ctx, "SELECT count(*) FROM meta WHERE key NOT IN ($1, $2)", MetaCreatedAt, MetaOpenedAt).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		found = append(found, fmt.Sprintf("meta: %d keys", n))
	}
	if len(found) > 0 {
		return fmt.Errorf("%w (%s)", ErrNotEmpty, strings.Join(found, ", "))
	}
	return nil
}
