package postgres

import (
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// AddRecord appends r to the audit log and sets r.ID.
func (t *tx) AddRecord(r *runbook.Record) error {
	if err := r.CheckStoreTimes(); err != nil {
		return err
	}
	var fields any // NULL when there are none
	if len(r.Fields) > 0 {
		clean := make(map[string]string, len(r.Fields))
		for k, v := range r.Fields {
			clean[noNUL(k)] = noNUL(v) // jsonb refuses \u0000
		}
		b, err := json.Marshal(clean)
		if err != nil {
			return fmt.Errorf("postgres: record fields: %w", err)
		}
		fields = string(b)
	}
	err := t.row(`INSERT INTO records (occurrence, at, kind, job, window_at, actor, envelope, fields)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		[]any{r.Occurrence, r.At, string(r.Kind), r.Job, r.Window, r.Actor, r.Envelope, fields}, &r.ID)
	if err != nil {
		return fmt.Errorf("postgres: add record: %w", err)
	}
	return nil
}

// Records returns the audit records of an occurrence (0: those of none), oldest first.
func (t *tx) Records(occurrence int64) ([]runbook.Record, error) {
	var out []runbook.Record
	err := t.rows(`SELECT id, occurrence, at, kind, job, window_at, actor, envelope, fields
		FROM records WHERE occurrence = $1 ORDER BY id`, []any{occurrence}, func(rs pgx.Rows) error {
		var (
			r      runbook.Record
			kind   string
			fields []byte
		)
		if err := rs.Scan(&r.ID, &r.Occurrence, &r.At, &kind, &r.Job, &r.Window, &r.Actor, &r.Envelope, &fields); err != nil {
			return err
		}
		r.Kind = runbook.RecordKind(kind)
		r.At, r.Window = r.At.UTC(), r.Window.UTC()
		if len(fields) > 0 {
			if err := json.Unmarshal(fields, &r.Fields); err != nil {
				return fmt.Errorf("record %d fields: %w", r.ID, err)
			}
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: records of %d: %w", occurrence, err)
	}
	return out, nil
}
