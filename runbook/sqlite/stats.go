package sqlite

import (
	"context"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Stats is a snapshot for metrics.
type Stats struct {
	Occurrences   map[runbook.State]int // by state; every state is present
	PendingTimers int                   // unfired timers
	LateTimers    int                   // unfired timers already due
	Backlog       map[string]int        // undelivered outbox rows by sink; chat and itsm always present
	Runs          map[string]int        // run_finished records by fields.result ("" when missing)
	Escalated     int                   // occurrences escalated for want of an incident reference
}

// states lists every occurrence state, for zero-filled metrics.
var states = []runbook.State{
	runbook.Scheduled, runbook.AwaitingConfirmation, runbook.Confirmed, runbook.Declined,
	runbook.Running, runbook.Succeeded, runbook.Failed, runbook.Cancelled,
}

// Stats returns a snapshot for metrics, with late timers counted against the wall clock.
func (db *DB) Stats(ctx context.Context) (Stats, error) { return db.StatsAt(ctx, time.Now()) }

// StatsAt returns a snapshot for metrics, with late timers counted against now.
func (db *DB) StatsAt(ctx context.Context, now time.Time) (Stats, error) {
	var s Stats
	err := db.View(ctx, func(rtx runbook.Tx) error {
		t := rtx.(*tx)
		byState, err := t.counts("stats", "SELECT state, count(*) FROM occurrences GROUP BY state")
		if err != nil {
			return err
		}
		s.Occurrences = make(map[runbook.State]int, len(states))
		for _, st := range states {
			s.Occurrences[st] = 0
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
		if s.Backlog, err = rtx.Backlog(); err != nil {
			return err
		}
		for _, k := range []string{runbook.SinkChat, runbook.SinkITSM} {
			s.Backlog[k] += 0
		}
		s.Runs, err = t.counts("stats", `SELECT coalesce(json_extract(fields, '$.result'), ''), count(*)
			FROM records WHERE kind = ? GROUP BY 1`, string(runbook.RecRunFinished))
		return err
	})
	return s, err
}
