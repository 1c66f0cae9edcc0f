package postgres

import (
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/runbook"
)

// Enqueue adds d to the outbox and sets d.ID.
func (t *tx) Enqueue(d *runbook.Delivery) error {
	if err := d.CheckStoreTimes(); err != nil {
		return err
	}
	payload := d.Payload
	if payload == nil {
		payload = []byte{}
	}
	err := t.row(`INSERT INTO outbox (sink, key, payload, priority, attempts, next_at, created_at, last_error)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
		[]any{d.Sink, d.Key, payload, int16(d.Priority), int32(d.Attempts), d.NextAt, d.CreatedAt, d.LastError}, &d.ID)
	if err != nil {
		return fmt.Errorf("postgres: enqueue: %w", err)
	}
	t.queued = true
	return nil
}

// PendingDeliveries returns up to limit (≤ 0: all) undelivered rows of sink due at or before now, most urgent first, then by ID.
func (t *tx) PendingDeliveries(sink string, now time.Time, limit int) ([]runbook.Delivery, error) {
	if err := checkTime("now", now); err != nil {
		return nil, err
	}
	var out []runbook.Delivery
	err := t.rows(`SELECT id, sink, key, payload, priority, attempts, next_at, created_at, last_error
		FROM outbox WHERE sink = $1 AND delivered_at IS NULL AND next_at <= $2 ORDER BY priority, id LIMIT $3`,
		[]any{sink, now, limitArg(limit)}, func(rs pgx.Rows) error {
			var (
				d        runbook.Delivery
				attempts int32
				priority int16
			)
			if err := rs.Scan(&d.ID, &d.Sink, &d.Key, &d.Payload, &priority, &attempts, &d.NextAt, &d.CreatedAt, &d.LastError); err != nil {
				return err
			}
			d.Attempts, d.Priority = int(attempts), runbook.Priority(priority)
			d.NextAt, d.CreatedAt = d.NextAt.UTC(), d.CreatedAt.UTC()
			out = append(out, d)
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("postgres: pending deliveries: %w", err)
	}
	return out, nil
}

// MarkDelivered records that the delivery succeeded at at.
func (t *tx) MarkDelivered(id int64, at time.Time) error {
	if err := checkTime("at", at); err != nil {
		return err
	}
	return t.updateDelivery(id, "UPDATE outbox SET delivered_at = $1 WHERE id = $2", at, id)
}

// RetryDelivery counts a failed attempt and postpones the delivery to next.
func (t *tx) RetryDelivery(id int64, next time.Time, lastErr string) error {
	if err := checkTime("next", next); err != nil {
		return err
	}
	return t.updateDelivery(id, "UPDATE outbox SET attempts = attempts + 1, next_at = $1, last_error = $2 WHERE id = $3",
		next, lastErr, id)
}

func (t *tx) updateDelivery(id int64, q string, args ...any) error {
	tag, err := t.exec(q, args...)
	if err != nil {
		return fmt.Errorf("postgres: delivery %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound("delivery_not_found", id)
	}
	return nil
}

// PruneDelivered deletes up to limit (≤ 0: all) rows delivered before before, oldest delivery first.
func (t *tx) PruneDelivered(before time.Time, limit int) (int, error) {
	if err := checkTime("before", before); err != nil {
		return 0, err
	}
	tag, err := t.exec(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
		WHERE delivered_at IS NOT NULL AND delivered_at < $1 ORDER BY delivered_at, id LIMIT $2)`, before, limitArg(limit))
	if err != nil {
		return 0, fmt.Errorf("postgres: prune delivered: %w", err)
	}
	return int(tag.RowsAffected()), nil
}

// Backlog returns the undelivered count by sink (sinks with none are absent).
func (t *tx) Backlog() (map[string]int, error) {
	return t.counts("backlog", "SELECT sink, count(*) FROM outbox WHERE delivered_at IS NULL GROUP BY sink")
}

// counts runs a two-column (name, count) query into a map.
func (t *tx) counts(what, q string, args ...any) (map[string]int, error) {
	out := map[string]int{}
	err := t.rows(q, args, func(rs pgx.Rows) error {
		var (
			k string
			n int64
		)
		if err := rs.Scan(&k, &n); err != nil {
			return err
		}
		out[k] = int(n)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", what, err)
	}
	return out, nil
}
