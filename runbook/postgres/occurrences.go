package postgres

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// occCols lists the occurrence columns after id, in scan and argument order.
const occCols = `job, slot, window_at, state, requested_at, reschedules,
	approved_by, approved_at, declined_by, decline_reason,
	run_by, started_at, finished_at, exit_code, reason, attempts, log_sha256,
	delayed, justification,
	failed_at, incident_deadline, incident_ref, incident_by, incident_at, escalated,
	learnings, tail, run_handle, tickets, approved, log_error`

// occColCount is the number of columns in occCols.
var occColCount = strings.Count(occCols, ",") + 1

// selectOcc selects every column of occurrences, id first.
const selectOcc = "SELECT id, " + occCols + " FROM occurrences"

// scanner is a pgx.Row or pgx.Rows.
type scanner interface{ Scan(dest ...any) error }

func scanOcc(s scanner) (runbook.Occurrence, error) {
	var (
		o                runbook.Occurrence
		state            string
		text             runbook.OccurrenceText
		reschedules, att int32
		exit             *int32
	)
	err := s.Scan(&o.ID, &o.Job, &o.Slot, &o.Window, &state, &o.RequestedAt, &reschedules,
		&o.ApprovedBy, &o.ApprovedAt, &o.DeclinedBy, &o.DeclineReason,
		&o.RunBy, &o.StartedAt, &o.FinishedAt, &exit, &o.Reason, &att, &o.LogSHA256,
		&o.Delayed, &o.Justification,
		&o.FailedAt, &o.IncidentDeadline, &o.IncidentRef, &o.IncidentBy, &o.IncidentAt, &o.Escalated,
		&o.Learnings, &text.Tail, &o.RunHandle, &text.Tickets, &text.Approved, &o.LogError)
	if err != nil {
		return o, err
	}
	if err := o.SetStoreText(text); err != nil {
		return o, fmt.Errorf("postgres: occurrence %d: %w", o.ID, err)
	}
	o.State = runbook.State(state)
	o.Reschedules, o.Attempts = int(reschedules), int(att)
	if exit != nil {
		v := int(*exit)
		o.ExitCode = &v
	}
	o.Slot, o.Window = o.Slot.UTC(), o.Window.UTC()
	for _, p := range []**time.Time{&o.RequestedAt, &o.ApprovedAt, &o.StartedAt, &o.FinishedAt, &o.FailedAt, &o.IncidentDeadline, &o.IncidentAt} {
		*p = utcPtr(*p)
	}
	return o, nil
}

// occArgs returns the column values of o in occCols order.
func occArgs(o runbook.Occurrence) ([]any, error) {
	if err := o.CheckStoreTimes(); err != nil {
		return nil, err
	}
	var exit *int32
	if o.ExitCode != nil {
		v := int32(*o.ExitCode)
		exit = &v
	}
	text, err := o.StoreText()
	if err != nil {
		return nil, err
	}
	return []any{o.Job, o.Slot, o.Window, string(o.State), o.RequestedAt, int32(o.Reschedules),
		o.ApprovedBy, o.ApprovedAt, o.DeclinedBy, o.DeclineReason,
		o.RunBy, o.StartedAt, o.FinishedAt, exit, o.Reason, int32(o.Attempts), o.LogSHA256,
		o.Delayed, o.Justification,
		o.FailedAt, o.IncidentDeadline, o.IncidentRef, o.IncidentBy, o.IncidentAt, o.Escalated,
		o.Learnings, text.Tail, o.RunHandle, text.Tickets, text.Approved, o.LogError}, nil
}

// placeholders returns "$from, …, $(from+n-1)".
func placeholders(from, n int) string {
	p := make([]string, n)
	for i := range p {
		p[i] = "$" + strconv.Itoa(from+i)
	}
	return strings.Join(p, ", ")
}

// Occurrence returns the occurrence with id.
func (t *tx) Occurrence(id int64) (runbook.Occurrence, error) {
	o, err := scanOcc(t.tx.QueryRow(t.ctx, selectOcc+" WHERE id = $1", id))
	if errors.Is(err, pgx.ErrNoRows) {
		return o, notFound("occurrence_not_found", id)
	}
	if err != nil {
		return o, fmt.Errorf("postgres: occurrence %d: %w", id, t.note(err))
	}
	return o, nil
}

// OccurrenceAt returns the occurrence of job created for slot.
func (t *tx) OccurrenceAt(job string, slot time.Time) (runbook.Occurrence, bool, error) {
	if checkTime("slot", slot) != nil {
		return runbook.Occurrence{}, false, nil
	}
	o, err := scanOcc(t.tx.QueryRow(t.ctx, selectOcc+" WHERE job = $1 AND slot = $2", noNUL(job), slot))
	if errors.Is(err, pgx.ErrNoRows) {
		return runbook.Occurrence{}, false, nil
	}
	if err != nil {
		return runbook.Occurrence{}, false, fmt.Errorf("postgres: occurrence of %s at %s: %w", job, slot, t.note(err))
	}
	return o, true, nil
}

// Occurrences returns the occurrences q selects, by window (then id).
func (t *tx) Occurrences(q runbook.Query) ([]runbook.Occurrence, error) {
	var (
		where []string
		args  []any
	)
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if q.Job != "" {
		where = append(where, "job = "+arg(q.Job))
	}
	if len(q.States) > 0 {
		states := make([]string, len(q.States))
		for i, s := range q.States {
			states[i] = string(s)
		}
		where = append(where, "state = ANY("+arg(states)+")")
	}
	if !q.WindowFrom.IsZero() {
		if err := checkTime("window_from", q.WindowFrom); err != nil {
			return nil, err
		}
		where = append(where, "window_at >= "+arg(q.WindowFrom))
	}
	if !q.WindowUntil.IsZero() {
		if err := checkTime("window_until", q.WindowUntil); err != nil {
			return nil, err
		}
		where = append(where, "window_at < "+arg(q.WindowUntil))
	}
	var b strings.Builder
	b.WriteString(selectOcc)
	if len(where) > 0 {
		b.WriteString(" WHERE " + strings.Join(where, " AND "))
	}
	if q.Desc {
		b.WriteString(" ORDER BY window_at DESC, id DESC")
	} else {
		b.WriteString(" ORDER BY window_at, id")
	}
	if q.Limit > 0 {
		b.WriteString(" LIMIT " + arg(q.Limit))
	}
	var out []runbook.Occurrence
	err := t.rows(b.String(), args, func(rs pgx.Rows) error {
		o, err := scanOcc(rs)
		if err == nil {
			out = append(out, o)
		}
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: occurrences: %w", err)
	}
	return out, nil
}

// CreateOccurrence inserts o and sets o.ID (keeping a non-zero o.ID); an
// existing (Job, Slot) or id is a KindConflict error.
func (t *tx) CreateOccurrence(o *runbook.Occurrence) error {
	args, err := occArgs(*o)
	if err != nil {
		return err
	}
	q := "INSERT INTO occurrences (" + occCols + ") VALUES (" + placeholders(1, occColCount) + ") ON CONFLICT DO NOTHING RETURNING id"
	if o.ID != 0 {
		q = "INSERT INTO occurrences (id, " + occCols + ") VALUES (" + placeholders(1, occColCount+1) + ") ON CONFLICT DO NOTHING RETURNING id"
		args = append([]any{o.ID}, args...)
	}
	var id int64
	err = t.row(q, args, &id)
	if errors.Is(err, pgx.ErrNoRows) {
		return runbook.NewError(runbook.KindConflict, "occurrence_exists", map[string]any{"job": o.Job, "slot": o.Slot.UTC()})
	}
	if err != nil {
		return fmt.Errorf("postgres: create occurrence: %w", err)
	}
	if o.ID != 0 {
		// The id was given (a copied row): new rows must be numbered after it.
		if _, err := t.exec("SELECT setval('occurrences_id_seq', greatest($1, last_value)) FROM occurrences_id_seq", id); err != nil {
			return fmt.Errorf("postgres: create occurrence: %w", err)
		}
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
	var set []string
	for i, c := range strings.Split(occCols, ",") {
		set = append(set, strings.TrimSpace(c)+" = $"+strconv.Itoa(i+1))
	}
	idArg := "$" + strconv.Itoa(occColCount+1)
	// Moving onto another occurrence's (job, slot) changes nothing: told apart from a missing row below.
	q := "UPDATE occurrences SET " + strings.Join(set, ", ") + " WHERE id = " + idArg +
		" AND NOT EXISTS (SELECT 1 FROM occurrences other WHERE other.job = $1 AND other.slot = $2 AND other.id <> " + idArg + ")"
	tag, err := t.exec(q, append(args, o.ID)...)
	if err != nil {
		return fmt.Errorf("postgres: save occurrence %d: %w", o.ID, err)
	}
	if tag.RowsAffected() == 1 {
		return nil
	}
	var one int
	switch err := t.row("SELECT 1 FROM occurrences WHERE id = $1", []any{o.ID}, &one); {
	case errors.Is(err, pgx.ErrNoRows):
		return notFound("occurrence_not_found", o.ID)
	case err != nil:
		return fmt.Errorf("postgres: save occurrence %d: %w", o.ID, err)
	}
	return runbook.NewError(runbook.KindConflict, "occurrence_exists", map[string]any{"job": o.Job, "slot": o.Slot.UTC()})
}

// DeleteOccurrence deletes the occurrence with id and its timers.
func (t *tx) DeleteOccurrence(id int64) error {
	if _, err := t.exec("DELETE FROM timers WHERE occ = $1", id); err != nil {
		return fmt.Errorf("postgres: delete occurrence %d: %w", id, err)
	}
	tag, err := t.exec("DELETE FROM occurrences WHERE id = $1", id)
	if err != nil {
		return fmt.Errorf("postgres: delete occurrence %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("occurrence_not_found", id)
	}
	return nil
}
