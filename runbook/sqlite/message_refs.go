package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
)

// SetMessageRef stores (or replaces) the chat message behind key.
func (t *tx) SetMessageRef(key, channel, ts string) error {
	_, err := t.exec(`INSERT INTO message_refs (key, channel, ts) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, ts = excluded.ts`, key, channel, ts)
	if err != nil {
		return fmt.Errorf("sqlite: set message ref %s: %w", key, err)
	}
	return nil
}

// MessageRef returns the chat message behind key; ok is false when there is none.
func (t *tx) MessageRef(key string) (channel, ts string, ok bool, err error) {
	err = t.row("SELECT channel, ts FROM message_refs WHERE key = ?", key).Scan(&channel, &ts)
	if errors.Is(err, sql.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("sqlite: message ref %s: %w", key, err)
	}
	return channel, ts, true, nil
}
