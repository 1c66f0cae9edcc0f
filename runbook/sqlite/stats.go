package sqlite

import (
	"context"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Stats returns a snapshot for metrics, with late timers counted against the wall clock.
func (db *DB) Stats(ctx context.Context) (runbook.StoreStats, error) {
	return db.StatsAt(ctx, time.Now())
}

// StatsAt returns a snapshot for metrics, with late timers counted against now.
func (db *DB) StatsAt(ctx context.Context, now time.Time) (runbook.StoreStats, error) {
	s := runbook.NewStoreStats()
	err := db.View(ctx, func(rtx runbook.Tx) error {
		t := rtx.(*tx)
		byState, err := t.counts("stats", "SELECT state, count(*) FROM occurrences GROUP BY state")
		if err != nil {
			return err
		}
		for k, n := range byState {
			s.Occurrences[runbook.State(k)] = n
		}
		if err := checkTime("now", now); err != nil {
			return err
		}
		if err := t.row(`SELECT count(*), coalesce(sum(due < ?), 0) FROM timers WHERE fired_at IS NULL`,
			fmtTime(now)).Scan(&s.PendingTimers, &s.LateTimers); err != nil {
			return err
		}
		if err := t.row(`SELECT count(*) FROM occurrences WHERE escalated = 1`).Scan(&s.Escalated); err != nil {
			return err
		}
		backlog, err := rtx.Backlog()
		if err != nil {
			return err
		}
		for k, n := range backlog {
			s.Backlog[k] = n
		}
		s.Runs, err = t.counts("stats", `SELECT CASE WHEN json_extract(fields, '$.dry_run') = 'true' THEN '' ELSE coalesce(json_extract(fields, '$.result'), '') END, count(*)
			FROM records WHERE kind = ? GROUP BY 1`, string(runbook.RecRunFinished))
		if err != nil {
			return err
		}
		return t.row(`SELECT count(*) FROM records WHERE kind = ? AND coalesce(json_extract(fields, '$.log_error'), '') <> ''`,
			string(runbook.RecRunFinished)).Scan(&s.LogErrors)
	})
	return s, err
}
