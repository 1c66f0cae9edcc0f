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

// occCols lists the occurrence columns in scan order.
const occCols = `id, job, slot, window, state, requested_at, reschedules,
	approved_by, approved_at, declined_by, decline_reason,
	run_by, started_at, finished_at, exit_code, reason, attempts, log_sha256,
	delayed, justification,
	failed_at, incident_deadline, incident_ref, incident_by, incident_at, escalated,
	learnings, tail, run_handle, tickets, approved, log_error`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanOcc(s scanner) (runbook.Occurrence, error) {
	var (
		o                                        runbook.Occurrence
		slot, window, state                      string
		requested, approved, started, finished   sql.NullString
		failed, deadline, incidentAt             sql.NullString
		exit                                     sql.NullInt64
		reschedules, attempts, delayed, escalate int64
		text                                     runbook.OccurrenceText
	)
	err := s.Scan(&o.ID, &o.Job, &slot, &window, &state, &requested, &reschedules,
		&o.ApprovedBy, &approved, &o.DeclinedBy, &o.DeclineReason,
		&o.RunBy, &started, &finished, &exit, &o.Reason, &attempts, &o.LogSHA256,
		&delayed, &o.Justification,
		&failed, &deadline, &o.IncidentRef, &o.IncidentBy, &incidentAt, &escalate,
		&o.Learnings, &text.Tail, &o.RunHandle, &text.Tickets, &text.Approved, &o.LogError)
	if err != nil {
		return o, err
	}
	if err := o.SetStoreText(text); err != nil {
		return o, fmt.Errorf("sqlite: occurrence %d: %w", o.ID, err)
	}
	o.State = runbook.State(state)
	o.Reschedules = int(reschedules)
	o.Attempts = int(attempts)
	o.Delayed = delayed != 0
	o.Escalated = escalate != 0
	if exit.Valid {
		v := int(exit.Int64)
		o.ExitCode = &v
	}
	if o.Slot, err = parseTime(slot); err != nil {
		return o, err
	}
	if o.Window, err = parseTime(window); err != nil {
		return o, err
	}
	for _, f := range []struct {
		dst **time.Time
		src sql.NullString
	}{
		{&o.RequestedAt, requested}, {&o.ApprovedAt, approved}, {&o.StartedAt, started},
		{&o.FinishedAt, finished}, {&o.FailedAt, failed}, {&o.IncidentDeadline, deadline},
		{&o.IncidentAt, incidentAt},
	} {
		if *f.dst, err = parseNullTime(f.src); err != nil {
			return o, err
		}
	}
	return o, nil
}

// occArgs returns the column values of o after id, in occCols order.
func occArgs(o runbook.Occurrence) ([]any, error) {
	if err := o.CheckStoreTimes(); err != nil {
		return nil, err
	}
	var exit any
	if o.ExitCode != nil {
		exit = int64(*o.ExitCode)
	}
	text, err := o.StoreText()
	if err != nil {
		return nil, err
	}
	return []any{o.Job, fmtTime(o.Slot), fmtTime(o.Window), string(o.State), nullTime(o.RequestedAt), o.Reschedules,
		o.ApprovedBy, nullTime(o.ApprovedAt), o.DeclinedBy, o.DeclineReason,
		o.RunBy, nullTime(o.StartedAt), nullTime(o.FinishedAt), exit, o.Reason, o.Attempts, o.LogSHA256,
		o.Delayed, o.Justification,
		nullTime(o.FailedAt), nullTime(o.IncidentDeadline), o.IncidentRef, o.IncidentBy, nullTime(o.IncidentAt), o.Escalated,
		o.Learnings, text.Tail, o.RunHandle, text.Tickets, text.Approved, o.LogError}, nil
}

// Occurrence returns the occurrence with id.
func (t *tx) Occurrence(id int64) (runbook.Occurrence, error) {
	o, err := scanOcc(t.row("SELECT "+occCols+" FROM occurrences WHERE id = ?", id))
	if errors.Is(err, sql.ErrNoRows) {
		return o, notFound("occurrence_not_found", id)
	}
	if err != nil {
		return o, fmt.Errorf("sqlite: occurrence %d: %w", id, err)
	}
	return o, nil
}

// OccurrenceAt returns the occurrence of job created for slot.
func (t *tx) OccurrenceAt(job string, slot time.Time) (runbook.Occurrence, bool, error) {
	if checkTime("slot", slot) != nil {
		return runbook.Occurrence{}, false, nil
	}
	o, err := scanOcc(t.row("SELECT "+occCols+" FROM occurrences WHERE job = ? AND slot = ?", job, fmtTime(slot)))
	if errors.Is(err, sql.ErrNoRows) {
		return runbook.Occurrence{}, false, nil
	}
	if err != nil {
		return runbook.Occurrence{}, false, fmt.Errorf("sqlite: occurrence of %s at %s: %w", job, slot, err)
	}
	return o, true, nil
}

// Occurrences returns the occurrences q selects, by window (then id).
func (t *tx) Occurrences(q runbook.Query) ([]runbook.Occurrence, error) {
	var (
		where []string
		args  []any
	)
	if q.Job != "" {
		where = append(where, "job = ?")
		args = append(args, q.Job)
	}
	if len(q.States) > 0 {
		where = append(where, "state IN (?"+strings.Repeat(", ?", len(q.States)-1)+")")
		for _, s := range q.States {
			args = append(args, string(s))
		}
	}
	if !q.WindowFrom.IsZero() {
		if err := checkTime("window_from", q.WindowFrom); err != nil {
			return nil, err
		}
		where = append(where, "window >= ?")
		args = append(args, fmtTime(q.WindowFrom))
	}
	if !q.WindowUntil.IsZero() {
		if err := checkTime("window_until", q.WindowUntil); err != nil {
			return nil, err
		}
		where = append(where, "window < ?")
		args = append(args, fmtTime(q.WindowUntil))
	}
	var b strings.Builder
	b.WriteString("SELECT " + occCols + " FROM occurrences")
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	if q.Desc {
		b.WriteString(" ORDER BY window DESC, id DESC")
	} else {
		b.WriteString(" ORDER BY window, id")
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT ?")
		args = append(args, q.Limit)
	}
	rows, err := t.query(b.String(), args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: occurrences: %w", err)
	}
	defer rows.Close()
	var out []runbook.Occurrence
	for rows.Next() {
		o, err := scanOcc(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: occurrences: %w", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: occurrences: %w", err)
	}
	return out, nil
}

// CreateOccurrence inserts o and sets o.ID; an existing (Job, Slot) is a KindConflict error.
func (t *tx) CreateOccurrence(o *runbook.Occurrence) error {
	args, err := occArgs(*o)
	if err != nil {
		return err
	}
	var q string
	if o.ID != 0 {
		q = "INSERT INTO occurrences (" + occCols + ") VALUES (?" + strings.Repeat(", ?", len(args)) + ")"
		args = append([]any{o.ID}, args...)
	} else {
		q = "INSERT INTO occurrences (" + strings.TrimPrefix(occCols, "id, ") + ") VALUES (?" + strings.Repeat(", ?", len(args)-1) + ")"
	}
	res, err := t.exec(q, args...)
	if err != nil {
		if c := sqliteCode(err); c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY {
			e := runbook.NewError(runbook.KindConflict, "occurrence_exists", map[string]any{"job": o.Job, "slot": o.Slot.UTC()})
			e.Err = err
			return e
		}
		return fmt.Errorf("sqlite: create occurrence: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: create occurrence: %w", err)
	}
	o.ID = id
	return nil
}

// SaveOccurrence writes every field of o over the row with o.ID.
func (t *tx) SaveOccurrence(o runbook.Occurrence) error {
	args, err := occArgs(o)
	if err != nil {
		return err
	}
	res, err := t.exec(`UPDATE occurrences SET job = ?, slot = ?, window = ?, state = ?, requested_at = ?, reschedules = ?,
	approved_by = ?, approved_at = ?, declined_by = ?, decline_reason = ?,
	run_by = ?, started_at = ?, finished_at = ?, exit_code = ?, reason = ?, attempts = ?, log_sha256 = ?,
	delayed = ?, justification = ?,
	failed_at = ?, incident_deadline = ?, incident_ref = ?, incident_by = ?, incident_at = ?, escalated = ?,
	learnings = ?, tail = ?, run_handle = ?, tickets = ?, approved = ?, log_error = ? WHERE id = ?`, append(args, o.ID)...)
	if err != nil {
		if sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_UNIQUE {
			e := runbook.NewError(runbook.KindConflict, "occurrence_exists", map[string]any{"job": o.Job, "slot": o.Slot.UTC()})
			e.Err = err
			return e
		}
		return fmt.Errorf("sqlite: save occurrence %d: %w", o.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: save occurrence %d: %w", o.ID, err)
	} else if n == 0 {
		return notFound("occurrence_not_found", o.ID)
	}
	return nil
}

// DeleteOccurrence deletes the occurrence with id and its timers.
func (t *tx) DeleteOccurrence(id int64) error {
	if _, err := t.exec("DELETE FROM timers WHERE occ = ?", id); err != nil {
		return fmt.Errorf("sqlite: delete occurrence %d: %w", id, err)
	}
	res, err := t.exec("DELETE FROM occurrences WHERE id = ?", id)
	if err != nil {
		return fmt.Errorf("sqlite: delete occurrence %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: delete occurrence %d: %w", id, err)
	} else if n == 0 {
		return notFound("occurrence_not_found", id)
	}
	return nil
}
