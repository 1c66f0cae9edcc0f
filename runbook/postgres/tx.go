package postgres

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// tx implements runbook.Tx on one PostgreSQL transaction.
type tx struct {
	ctx    context.Context
	tx     pgx.Tx
	failed error // the first statement the server refused: the transaction is aborted
	armed  bool  // a timer was armed: the other replicas' timer loops are told at commit
	queued bool  // a delivery was queued: their outboxes are told at commit
}

var _ runbook.Tx = (*tx)(nil)

// note remembers the first server error: after it PostgreSQL refuses every
// statement of the transaction, and Update must not try to commit.
func (t *tx) note(err error) error {
	var pe *pgconn.PgError
	if t.failed == nil && errors.As(err, &pe) {
		t.failed = err
	}
	return err
}

func (t *tx) exec(q string, args ...any) (pgconn.CommandTag, error) {
	tag, err := t.tx.Exec(t.ctx, q, clean(args)...)
	return tag, t.note(err)
}

// row runs a query of at most one row and scans it into dest; no row is pgx.ErrNoRows.
func (t *tx) row(q string, args []any, dest ...any) error {
	err := t.tx.QueryRow(t.ctx, q, clean(args)...).Scan(dest...)
	if errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	return t.note(err)
}

// rows runs a query and calls scan for each row.
func (t *tx) rows(q string, args []any, scan func(pgx.Rows) error) error {
	rs, err := t.tx.Query(t.ctx, q, clean(args)...)
	if err != nil {
		return t.note(err)
	}
	defer rs.Close()
	for rs.Next() {
		if err := scan(rs); err != nil {
			return err
		}
	}
	return t.note(rs.Err())
}

// clean replaces the NUL character, which PostgreSQL cannot store in text, in string arguments.
func clean(args []any) []any {
	for i, a := range args {
		if s, ok := a.(string); ok && strings.IndexByte(s, 0) >= 0 {
			args[i] = noNUL(s)
		}
	}
	return args
}

// noNUL replaces the NUL character with U+FFFD.
func noNUL(s string) string { return strings.ReplaceAll(s, "\x00", "\uFFFD") }

// checkTime rejects times out of the stores' range (runbook.CheckStoreTime).
var checkTime = runbook.CheckStoreTime

// utcPtr returns *p in UTC, nil for nil.
func utcPtr(p *time.Time) *time.Time {
	if p == nil {
		return nil
	}
	u := p.UTC()
	return &u
}

// notFound is the KindNotFound error of a missing row.
func notFound(code string, id any) error {
	return runbook.NewError(runbook.KindNotFound, code, map[string]any{"id": id})
}
