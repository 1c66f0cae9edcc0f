package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
	sqlite3 "modernc.org/sqlite/lib"
)

const timerCols = "id, occ, kind, seq, due, fired_at"

func scanTimer(s scanner) (runbook.Timer, error) {
	var (
		tm        runbook.Timer
		kind, due string
		seq       int64
		fired     sql.NullString
	)
	if err := s.Scan(&tm.ID, &tm.Occ, &kind, &seq, &due, &fired); err != nil {
		return tm, err
	}
	tm.Kind = runbook.TimerKind(kind)
	tm.Seq = int(seq)
	var err error
	if tm.Due, err = parseTime(due); err != nil {
		return tm, err
	}
	if tm.Fired, err = parseNullTime(fired); err != nil {
		return tm, err
	}
	return tm, nil
}

func (t *tx) timers(what, q string, args ...any) ([]runbook.Timer, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	var out []runbook.Timer
	for rows.Next() {
		tm, err := scanTimer(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out = append(out, tm)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}

// ArmTimer arms tm and sets tm.ID. Re-arming an unfired (Occ, Kind, Seq)
// replaces its due time; a fired one stays fired (nothing changes, no error).
// Afterwards tm holds the stored row (ID, Due, Fired). The occurrence must exist.
func (t *tx) ArmTimer(tm *runbook.Timer) error {
	if err := checkTime("due", tm.Due); err != nil {
		return err
	}
	_, err := t.exec(`INSERT INTO timers (occ, kind, seq, due) VALUES (?, ?, ?, ?)
		ON CONFLICT (occ, kind, seq) DO UPDATE SET due = excluded.due WHERE fired_at IS NULL`,
		tm.Occ, string(tm.Kind), tm.Seq, fmtTime(tm.Due))
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
			return notFound("occurrence_not_found", tm.Occ)
		}
		return fmt.Errorf("sqlite: arm timer: %w", err)
	}
	got, err := scanTimer(t.row("SELECT "+timerCols+" FROM timers WHERE occ = ? AND kind = ? AND seq = ?",
		tm.Occ, string(tm.Kind), tm.Seq))
	if err != nil {
		return fmt.Errorf("sqlite: arm timer: %w", err)
	}
	*tm = got
	return nil
}

// DisarmTimers drops the unfired timers of occ of the given kinds; no kinds drops none.
func (t *tx) DisarmTimers(occ int64, kinds ...runbook.TimerKind) error {
	if len(kinds) == 0 {
		return nil
	}
	args := []any{occ}
	for _, k := range kinds {
		args = append(args, string(k))
	}
	_, err := t.exec("DELETE FROM timers WHERE occ = ? AND fired_at IS NULL AND kind IN (?"+
		strings.Repeat(", ?", len(kinds)-1)+")", args...)
	if err != nil {
		return fmt.Errorf("sqlite: disarm timers of %d: %w", occ, err)
	}
	return nil
}

// DueTimers returns up to limit (≤ 0: all) unfired timers due at or before now, by due time.
func (t *tx) DueTimers(now time.Time, limit int) ([]runbook.Timer, error) {
	if err := checkTime("now", now); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1
	}
	return t.timers("due timers", "SELECT "+timerCols+
		" FROM timers WHERE fired_at IS NULL AND due <= ? ORDER BY due, id LIMIT ?", fmtTime(now), limit)
}

// NextTimer returns the earliest unfired timer.
func (t *tx) NextTimer() (runbook.Timer, bool, error) {
	tm, err := scanTimer(t.row("SELECT " + timerCols + " FROM timers WHERE fired_at IS NULL ORDER BY due, id LIMIT 1"))
	if errors.Is(err, sql.ErrNoRows) {
		return runbook.Timer{}, false, nil
	}
	if err != nil {
		return runbook.Timer{}, false, fmt.Errorf("sqlite: next timer: %w", err)
	}
	return tm, true, nil
}

// FireTimer marks the timer fired at at; firing it again is a KindConflict error.
func (t *tx) FireTimer(id int64, at time.Time) error {
	if err := checkTime("at", at); err != nil {
		return err
	}
	res, err := t.exec("UPDATE timers SET fired_at = ? WHERE id = ? AND fired_at IS NULL", fmtTime(at), id)
	if err != nil {
		return fmt.Errorf("sqlite: fire timer %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("sqlite: fire timer %d: %w", id, err)
	}
	if n == 1 {
		return nil
	}
	var exists int
	if err := t.row("SELECT 1 FROM timers WHERE id = ?", id).Scan(&exists); errors.Is(err, sql.ErrNoRows) {
		return notFound("timer_not_found", id)
	} else if err != nil {
		return fmt.Errorf("sqlite: fire timer %d: %w", id, err)
	}
	return runbook.NewError(runbook.KindConflict, "timer_already_fired", map[string]any{"id": id})
}

// PendingTimers returns every unfired timer, by due time.
func (t *tx) PendingTimers() ([]runbook.Timer, error) {
	return t.timers("pending timers", "SELECT "+timerCols+" FROM timers WHERE fired_at IS NULL ORDER BY due, id")
}
