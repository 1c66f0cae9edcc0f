package sqlite

import (
	"database/sql"
	"fmt"
	"time"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// timeLayout is the fixed-width UTC text form of stored times.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// fmtTime formats t for storage.
func fmtTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// checkTime rejects times the text form cannot hold in sort order: the stores' rule.
var checkTime = runbook.CheckStoreTime

// parseTime reads a stored time.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("sqlite: bad stored time %q: %w", s, err)
	}
	return t.UTC(), nil
}

// nullTime maps a nil pointer to NULL.
func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return fmtTime(*t)
}

// parseNullTime reads a nullable stored time.
func parseNullTime(s sql.NullString) (*time.Time, error) {
	if !s.Valid {
		return nil, nil
	}
	t, err := parseTime(s.String)
	if err != nil {
		return nil, err
	}
	return &t, nil
}
