package sqlite

import (
	"context"
	"database/sql"
	"fmt"
)

// Table is the rows of one table of the store, for copying the database to
// another store (runbook-bot migrate-db): columns named as the PostgreSQL
// store names them, values as Go types — int64, float64, string, []byte,
// bool, time.Time, or nil.
type Table struct {
	Name    string
	Columns []string
	Rows    [][]any
}

// exported are the tables Export copies, parents first.
var exported = []string{"meta", "occurrences", "records", "timers", "claims", "outbox", "message_refs", "run_beats"}

// Export reads every table of the store in one snapshot.
func (db *DB) Export(ctx context.Context) ([]Table, error) {
	stx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: export: %w", err)
	}
	defer stx.Rollback() //nolint:errcheck // read only
	var out []Table
	for _, name := range exported {
		t, err := exportTable(ctx, stx, name)
		if err != nil {
			return nil, fmt.Errorf("sqlite: export %s: %w", name, err)
		}
		out = append(out, t)
	}
	return out, nil
}

// exportTable reads one table, in its primary key's order.
func exportTable(ctx context.Context, stx *sql.Tx, name string) (Table, error) {
	rows, err := stx.QueryContext(ctx, "SELECT * FROM "+name+" ORDER BY 1")
	if err != nil {
		return Table{}, err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return Table{}, err
	}
	t := Table{Name: name}
	for _, c := range cols {
		t.Columns = append(t.Columns, portableName(c))
	}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return Table{}, err
		}
		for i, c := range cols {
			if vals[i], err = portableValue(name, c, vals[i]); err != nil {
				return Table{}, fmt.Errorf("%s: %w", c, err)
			}
		}
		t.Rows = append(t.Rows, vals)
	}
	return t, rows.Err()
}

// portableName is a column's name in the PostgreSQL schema ("window" is a reserved word there).
func portableName(col string) string {
	if col == "window" {
		return "window_at"
	}
	return col
}

// timeCols are the columns holding times (as text here).
var timeCols = map[string]bool{
	"slot": true, "window": true, "requested_at": true, "approved_at": true, "started_at": true, "finished_at": true,
	"failed_at": true, "incident_deadline": true, "incident_at": true, "at": true, "due": true, "fired_at": true,
	"next_at": true, "created_at": true, "delivered_at": true, "beat_at": true,
}

// portableValue turns a stored value into its Go type: times, booleans, text.
func portableValue(table, col string, v any) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch {
	case table != "meta" && timeCols[col]:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("a time stored as %T", v)
		}
		return parseTime(s)
	case col == "delayed" || col == "escalated":
		n, ok := v.(int64)
		if !ok {
			return nil, fmt.Errorf("a boolean stored as %T", v)
		}
		return n != 0, nil
	case col == "payload":
		if s, ok := v.(string); ok {
			return []byte(s), nil
		}
	}
	return v, nil
}
