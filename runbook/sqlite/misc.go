package sqlite

import (
	"database/sql"
	"errors"
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

// Fence always passes: a SQLite database is used by one process, the only
// replica, which holds the clock for ever.
func (t *tx) Fence(int64) error { return nil }
