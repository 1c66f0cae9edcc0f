package sqlite

import (
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// AddRecord appends r to the audit log and sets r.ID.
func (t *tx) AddRecord(r *runbook.Record) error {
	if err := r.CheckStoreTimes(); err != nil {
		return err
	}
	var fields any
	if len(r.Fields) > 0 {
		b, err := json.Marshal(r.Fields)
		if err != nil {
			return fmt.Errorf("sqlite: record fields: %w", err)
		}
		fields = string(b)
	}
	res, err := t.exec(`INSERT INTO records (occurrence, at, kind, job, window, actor, envelope, fields)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Occurrence, fmtTime(r.At), string(r.Kind), r.Job, fmtTime(r.Window), r.Actor, r.Envelope, fields)
	if err != nil {
		return fmt.Errorf("sqlite: add record: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: add record: %w", err)
	}
	r.ID = id
	return nil
}

// Records returns the audit records of an occurrence (0: those of none), oldest first.
func (t *tx) Records(occurrence int64) ([]runbook.Record, error) {
	rows, err := t.query(`SELECT id, occurrence, at, kind, job, window, actor, envelope, fields
		FROM records WHERE occurrence = ? ORDER BY id`, occurrence)
	if err != nil {
		return nil, fmt.Errorf("sqlite: records of %d: %w", occurrence, err)
	}
	defer rows.Close()
	var out []runbook.Record
	for rows.Next() {
		var (
			r          runbook.Record
			at, window string
			kind       string
			fields     sql.NullString
		)
		if err := rows.Scan(&r.ID, &r.Occurrence, &at, &kind, &r.Job, &window, &r.Actor, &r.Envelope, &fields); err != nil {
			return nil, fmt.Errorf("sqlite: records of %d: %w", occurrence, err)
		}
		r.Kind = runbook.RecordKind(kind)
		if r.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if r.Window, err = parseTime(window); err != nil {
			return nil, err
		}
		if fields.Valid && fields.String != "" {
			if err := json.Unmarshal([]byte(fields.String), &r.Fields); err != nil {
				return nil, fmt.Errorf("sqlite: record %d fields: %w", r.ID, err)
			}
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: records of %d: %w", occurrence, err)
	}
	return out, nil
}
