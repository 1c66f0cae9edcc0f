package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// clockLease names the one lease of the leases table: the clock's.
const clockLease = "clock"

var _ runbook.Leadership = (*DB)(nil)

// leaseCols reads a lease row with the time it has left, both on the
// database's clock (clock_timestamp, not the transaction's start).
const leaseCols = "holder, epoch, extract(epoch FROM expires_at - clock_timestamp())::float8, acquired_at"

func scanLease(s scanner) (runbook.Lease, error) {
	var (
		l    runbook.Lease
		left float64
	)
	if err := s.Scan(&l.Holder, &l.Epoch, &left, &l.Since); err != nil {
		return l, err
	}
	l.Left, l.Since = time.Duration(left*float64(time.Second)), l.Since.UTC()
	return l, nil
}

// Campaign implements runbook.Leadership: it takes the lease for holder when
// nobody holds it or it has expired (with a new epoch), or renews it when
// holder holds it (same epoch), to last ttl from now by the database's clock.
// Racing campaigns take turns on the row: one wins, the others read its lease.
func (db *DB) Campaign(ctx context.Context, holder string, ttl time.Duration) (runbook.Lease, error) {
	l, err := scanLease(db.pool.QueryRow(ctx, `INSERT INTO leases AS l (name, holder, epoch, expires_at, acquired_at)
		VALUES ($1, $2, 1, clock_timestamp() + make_interval(secs => $3), clock_timestamp())
		ON CONFLICT (name) DO UPDATE SET
			holder = excluded.holder,
			epoch = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.epoch ELSE l.epoch + 1 END,
			acquired_at = CASE WHEN l.holder = excluded.holder AND l.expires_at > clock_timestamp() THEN l.acquired_at ELSE excluded.acquired_at END,
			expires_at = excluded.expires_at
		WHERE l.holder = excluded.holder OR l.expires_at <= clock_timestamp()
		RETURNING `+leaseCols, clockLease, holder, ttl.Seconds()))
	if errors.Is(err, pgx.ErrNoRows) { // another holds it
		l, _, err = db.Leader(ctx)
	}
	if err != nil {
		return runbook.Lease{}, fmt.Errorf("postgres: campaign for the lease: %w", db.describe(err))
	}
	return l, nil
}

// Resign implements runbook.Leadership: the lease ends now if holder holds it at epoch.
func (db *DB) Resign(ctx context.Context, holder string, epoch int64) error {
	_, err := db.pool.Exec(ctx, `UPDATE leases SET expires_at = clock_timestamp()
		WHERE name = $1 AND holder = $2 AND epoch = $3 AND expires_at > clock_timestamp()`, clockLease, holder, epoch)
	if err != nil {
		return fmt.Errorf("postgres: resign the lease: %w", db.describe(err))
	}
	return nil
}

// Leader reads the clock's lease; ok is false when it was never taken.
func (db *DB) Leader(ctx context.Context) (l runbook.Lease, ok bool, err error) {
	l, err = scanLease(db.pool.QueryRow(ctx, "SELECT "+leaseCols+" FROM leases WHERE name = $1", clockLease))
	if errors.Is(err, pgx.ErrNoRows) {
		return runbook.Lease{}, false, nil
	}
	if err != nil {
		return runbook.Lease{}, false, fmt.Errorf("postgres: read the lease: %w", db.describe(err))
	}
	return l, true, nil
}

// Fence implements runbook.Tx: it passes only while the clock's lease is held
// at epoch and unexpired, and then holds a share lock on the lease's row until
// the transaction ends, so that no other replica takes the lease (an UPDATE
// of the row) before this transaction has committed or rolled back.
func (t *tx) Fence(epoch int64) error {
	var one int
	err := t.row(`SELECT 1 FROM leases WHERE name = $1 AND epoch = $2 AND expires_at > clock_timestamp() FOR SHARE`,
		[]any{clockLease, epoch}, &one)
	if errors.Is(err, pgx.ErrNoRows) {
		return runbook.ErrNotLeader
	}
	if err != nil {
		return fmt.Errorf("postgres: fence: %w", err)
	}
	return nil
}
