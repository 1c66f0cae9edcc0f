package postgres

import (
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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

// SetMessageRef stores (or replaces) the chat message behind key.
func (t *tx) SetMessageRef(key, channel, ts string) error {
	_, err := t.exec(`INSERT INTO message_refs (key, channel, ts) VALUES ($1, $2, $3)
		ON CONFLICT (key) DO UPDATE SET channel = excluded.channel, ts = excluded.ts`, key, channel, ts)
	if err != nil {
		return fmt.Errorf("postgres: set message ref %s: %w", key, err)
	}
	return nil
}

// MessageRef returns the chat message behind key; ok is false when there is none.
func (t *tx) MessageRef(key string) (channel, ts string, ok bool, err error) {
	err = t.row("SELECT channel, ts FROM message_refs WHERE key = $1", []any{key}, &channel, &ts)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", "", false, nil
	}
	if err != nil {
		return "", "", false, fmt.Errorf("postgres: message ref %s: %w", key, err)
	}
	return channel, ts, true, nil
}

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
