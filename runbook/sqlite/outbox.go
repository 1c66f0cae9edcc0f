package sqlite

import (
	"fmt"
	"time"

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
	res, err := t.exec(`INSERT INTO outbox (sink, key, payload, priority, attempts, next_at, created_at, last_error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		d.Sink, d.Key, payload, int(d.Priority), d.Attempts, fmtTime(d.NextAt), fmtTime(d.CreatedAt), d.LastError)
	if err != nil {
		return fmt.Errorf("sqlite: enqueue: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return fmt.Errorf("sqlite: enqueue: %w", err)
	}
	d.ID = id
	return nil
}

// PendingDeliveries returns up to limit (≤ 0: all) undelivered rows of sink due at or before now, most urgent first, then by ID.
func (t *tx) PendingDeliveries(sink string, now time.Time, limit int) ([]runbook.Delivery, error) {
	if err := checkTime("now", now); err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = -1
	}
	rows, err := t.query(`SELECT id, sink, key, payload, priority, attempts, next_at, created_at, last_error
		FROM outbox WHERE sink = ? AND delivered_at IS NULL AND next_at <= ? ORDER BY priority, id LIMIT ?`,
		sink, fmtTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("sqlite: pending deliveries: %w", err)
	}
	defer rows.Close()
	var out []runbook.Delivery
	for rows.Next() {
		var (
			d           runbook.Delivery
			next, creat string
			attempts    int64
		)
		if err := rows.Scan(&d.ID, &d.Sink, &d.Key, &d.Payload, &d.Priority, &attempts, &next, &creat, &d.LastError); err != nil {
			return nil, fmt.Errorf("sqlite: pending deliveries: %w", err)
		}
		d.Attempts = int(attempts)
		if d.NextAt, err = parseTime(next); err != nil {
			return nil, err
		}
		if d.CreatedAt, err = parseTime(creat); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: pending deliveries: %w", err)
	}
	return out, nil
}

// MarkDelivered records that the delivery succeeded at at.
func (t *tx) MarkDelivered(id int64, at time.Time) error {
	if err := checkTime("at", at); err != nil {
		return err
	}
	return t.updateDelivery(id, "UPDATE outbox SET delivered_at = ? WHERE id = ?", fmtTime(at), id)
}

// RetryDelivery counts a failed attempt and postpones the delivery to next.
func (t *tx) RetryDelivery(id int64, next time.Time, lastErr string) error {
	if err := checkTime("next", next); err != nil {
		return err
	}
	return t.updateDelivery(id, "UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?",
		fmtTime(next), lastErr, id)
}

func (t *tx) updateDelivery(id int64, q string, args ...any) error {
	res, err := t.exec(q, args...)
	if err != nil {
		return fmt.Errorf("sqlite: delivery %d: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: delivery %d: %w", id, err)
	} else if n == 0 {
		return notFound("delivery_not_found", id)
	}
	return nil
}

// PruneDelivered deletes up to limit (≤ 0: all) rows delivered before before, oldest delivery first.
func (t *tx) PruneDelivered(before time.Time, limit int) (int, error) {
	if err := checkTime("before", before); err != nil {
		return 0, err
	}
	if limit <= 0 {
		limit = -1
	}
	res, err := t.exec(`DELETE FROM outbox WHERE id IN (SELECT id FROM outbox
		WHERE delivered_at IS NOT NULL AND delivered_at < ? ORDER BY delivered_at, id LIMIT ?)`, fmtTime(before), limit)
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune delivered: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("sqlite: prune delivered: %w", err)
	}
	return int(n), nil
}

// Backlog returns the undelivered count by sink (sinks with none are absent).
func (t *tx) Backlog() (map[string]int, error) {
	return t.counts("backlog", "SELECT sink, count(*) FROM outbox WHERE delivered_at IS NULL GROUP BY sink")
}

// counts runs a two-column (name, count) query into a map.
func (t *tx) counts(what, q string, args ...any) (map[string]int, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var (
			k string
			n int64
		)
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("sqlite: %s: %w", what, err)
		}
		out[k] = int(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: %s: %w", what, err)
	}
	return out, nil
}
