package postgres

import (
	"fmt"
	"time"
)

// Claim records a request id; fresh is false when it was claimed before.
func (t *tx) Claim(id string, at time.Time) (bool, error) {
	if err := checkTime("at", at); err != nil {
		return false, err
	}
	tag, err := t.exec("INSERT INTO claims (id, at) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING", id, at)
	if err != nil {
		return false, fmt.Errorf("postgres: claim: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}
