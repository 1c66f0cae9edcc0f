package postgres

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
	if err := checkTime("now", now); err != nil {
		return s, err
	}
	err := db.View(ctx, func(rtx runbook.Tx) error {
		t := rtx.(*tx)
		byState, err := t.counts("stats", "SELECT state, count(*) FROM occurrences GROUP BY state")
		if err != nil {
			return err
		}
		for k, n := range byState {
			s.Occurrences[runbook.State(k)] = n
		}
		var pending, late, escalated int64
		if err := t.row(`SELECT count(*), count(*) FILTER (WHERE due < $1) FROM timers WHERE fired_at IS NULL`,
			[]any{now}, &pending, &late); err != nil {
			return err
		}
		if err := t.row(`SELECT count(*) FROM occurrences WHERE escalated`, nil, &escalated); err != nil {
			return err
		}
		s.PendingTimers, s.LateTimers, s.Escalated = int(pending), int(late), int(escalated)
		backlog, err := t.Backlog()
		if err != nil {
			return err
		}
		for k, n := range backlog {
			s.Backlog[k] = n
		}
		s.Runs, err = t.counts("stats", `SELECT CASE WHEN fields->>'dry_run' = 'true' THEN '' ELSE coalesce(fields->>'result', '') END, count(*)
			FROM records WHERE kind = $1 GROUP BY 1`, string(runbook.RecRunFinished))
		if err != nil {
			return err
		}
		var logErrors int64
		err = t.row(`SELECT count(*) FROM records WHERE kind = $1 AND coalesce(fields->>'log_error', '') <> ''`,
			[]any{string(runbook.RecRunFinished)}, &logErrors)
		s.LogErrors = int(logErrors)
		return err
	})
	return s, err
}
