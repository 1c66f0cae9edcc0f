package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
)

// Meta returns the value of a meta key; ok is false when it is not set.
func (t *tx) Meta(key string) (string, bool, error) {
	var v string
	err := t.row("SELECT value FROM meta WHERE key = ?", key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("sqlite: meta %s: %w", key, err)
	}
	return v, true, nil
}

// SetMeta sets a meta key.
func (t *tx) SetMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("sqlite: set meta %s: %w", key, err)
	}
	return nil
}
