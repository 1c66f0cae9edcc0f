package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

const timerCols = "id, occ, kind, seq, due, fired_at"

func scanTimer(s scanner) (runbook.Timer, error) {
	var (
		tm   runbook.Timer
		kind string
		seq  int32
	)
	if err := s.Scan(&tm.ID, &tm.Occ, &kind, &seq, &tm.Due, &tm.Fired); err != nil {
		return tm, err
	}
	tm.Kind, tm.Seq = runbook.TimerKind(kind), int(seq)
	tm.Due, tm.Fired = tm.Due.UTC(), utcPtr(tm.Fired)
	return tm, nil
}

func (t *tx) timers(what, q string, args ...any) ([]runbook.Timer, error) {
	var out []runbook.Timer
	err := t.rows(q, args, func(rs pgx.Rows) error {
		tm, err := scanTimer(rs)
		if err == nil {
			out = append(out, tm)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}

// limitArg is a LIMIT argument: nil (no limit) for limit ≤ 0.
func limitArg(limit int) any {
	if limit <= 0 {
		return nil
	}
	return limit
}

// ArmTimer arms tm and sets tm.ID. Re-arming an unfired (Occ, Kind, Seq)
// replaces its due time; a fired one stays fired (nothing changes, no error).
// Afterwards tm holds the stored row (ID, Due, Fired). The occurrence must exist.
func (t *tx) ArmTimer(tm *runbook.Timer) error {
	if err := checkTime("due", tm.Due); err != nil {
		return err
	}
	args := []any{tm.Occ, string(tm.Kind), int32(tm.Seq), tm.Due}
	// Inserted only when the occurrence exists, so a missing one is not an
	// error of the server (which would end the transaction).
	got, err := scanTimer(t.tx.QueryRow(t.ctx, `INSERT INTO timers (occ, kind, seq, due)
		SELECT $1, $2, $3, $4 WHERE EXISTS (SELECT 1 FROM occurrences WHERE id = $1)
		ON CONFLICT (occ, kind, seq) DO UPDATE SET due = excluded.due WHERE timers.fired_at IS NULL
		RETURNING `+timerCols, clean(args)...))
	if errors.Is(err, pgx.ErrNoRows) { // missing occurrence, or fired already
		got, err = scanTimer(t.tx.QueryRow(t.ctx, "SELECT "+timerCols+" FROM timers WHERE occ = $1 AND kind = $2 AND seq = $3", args[:3]...))
		if errors.Is(err, pgx.ErrNoRows) {
			return notFound("occurrence_not_found", tm.Occ)
		}
	}
	if err != nil {
		return fmt.Errorf("postgres: arm timer: %w", t.note(err))
	}
	*tm = got
	t.armed = true
	return nil
}

// DisarmTimers drops the unfired timers of occ of the given kinds; no kinds drops none.
func (t *tx) DisarmTimers(occ int64, kinds ...runbook.TimerKind) error {
	if len(kinds) == 0 {
		return nil
	}
	ks := make([]string, len(kinds))
	for i, k := range kinds {
		ks[i] = string(k)
	}
	if _, err := t.exec("DELETE FROM timers WHERE occ = $1 AND fired_at IS NULL AND kind = ANY($2)", occ, ks); err != nil {
		return fmt.Errorf("postgres: disarm timers of %d: %w", occ, err)
	}
	return nil
}

// DueTimers returns up to limit (≤ 0: all) unfired timers due at or before now, by due time.
func (t *tx) DueTimers(now time.Time, limit int) ([]runbook.Timer, error) {
	if err := checkTime("now", now); err != nil {
		return nil, err
	}
	return t.timers("due timers", "SELECT "+timerCols+
		" FROM timers WHERE fired_at IS NULL AND due <= $1 ORDER BY due, id LIMIT $2", now, limitArg(limit))
}

// NextTimer returns the earliest unfired timer.
func (t *tx) NextTimer() (runbook.Timer, bool, error) {
	tm, err := scanTimer(t.tx.QueryRow(t.ctx, "SELECT "+timerCols+" FROM timers WHERE fired_at IS NULL ORDER BY due, id LIMIT 1"))
	if errors.Is(err, pgx.ErrNoRows) {
		return runbook.Timer{}, false, nil
	}
	if err != nil {
		return runbook.Timer{}, false, fmt.Errorf("postgres: next timer: %w", t.note(err))
	}
	return tm, true, nil
}

// FireTimer marks the timer fired at at; firing it again is a KindConflict error.
func (t *tx) FireTimer(id int64, at time.Time) error {
	if err := checkTime("at", at); err != nil {
		return err
	}
	tag, err := t.exec("UPDATE timers SET fired_at = $1 WHERE id = $2 AND fired_at IS NULL", at, id)
	if err != nil {
		return fmt.Errorf("postgres: fire timer %d: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	switch err := t.row("SELECT 1 FROM timers WHERE id = $1", []any{id}, &one); {
	case errors.Is(err, pgx.ErrNoRows):
		return notFound("timer_not_found", id)
	case err != nil:
		return fmt.Errorf("postgres: fire timer %d: %w", id, err)
	}
	return runbook.NewError(runbook.KindConflict, "timer_already_fired", map[string]any{"id": id})
}

// PendingTimers returns every unfired timer, by due time.
func (t *tx) PendingTimers() ([]runbook.Timer, error) {
	return t.timers("pending timers", "SELECT "+timerCols+" FROM timers WHERE fired_at IS NULL ORDER BY due, id")
}
