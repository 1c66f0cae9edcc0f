package sqlite

import (
	"fmt"
	"time"
)

// Claim records a request id; fresh is false when it was claimed before.
func (t *tx) Claim(id string, at time.Time) (bool, error) {
	if err := checkTime("at", at); err != nil {
		return false, err
	}
	res, err := t.exec("INSERT INTO claims (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING", id, fmtTime(at))
	if err != nil {
		return false, fmt.Errorf("sqlite: claim: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("sqlite: claim: %w", err)
	}
	return n == 1, nil
}
