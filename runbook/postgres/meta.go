package postgres

import (
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
)

// Meta returns the value of a meta key; ok is false when it is not set.
func (t *tx) Meta(key string) (string, bool, error) {
	var v string
	err := t.row("SELECT value FROM meta WHERE key = $1", []any{key}, &v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("postgres: meta %s: %w", key, err)
	}
	return v, true, nil
}

// SetMeta sets a meta key.
func (t *tx) SetMeta(key, value string) error {
	_, err := t.exec(`INSERT INTO meta (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
	if err != nil {
		return fmt.Errorf("postgres: set meta %s: %w", key, err)
	}
	return nil
}
