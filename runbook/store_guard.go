package runbook

import "time"

// WriteGuard wraps a store's Tx for one Update and remembers the first error
// of a write, so that the store can refuse to commit a transaction one of
// whose writes failed even when fn went on and returned nil: a state change
// and its effects commit together or not at all.
type WriteGuard struct {
	Tx
	err error
}

// NewWriteGuard wraps tx.
func NewWriteGuard(tx Tx) *WriteGuard { return &WriteGuard{Tx: tx} }

// Err returns the first error of a write, nil when every write succeeded.
func (g *WriteGuard) Err() error { return g.err }

func (g *WriteGuard) note(err error) error {
	if err != nil && g.err == nil {
		g.err = err
	}
	return err
}

// CreateOccurrence implements Tx.
func (g *WriteGuard) CreateOccurrence(o *Occurrence) error { return g.note(g.Tx.CreateOccurrence(o)) }

// SaveOccurrence implements Tx.
func (g *WriteGuard) SaveOccurrence(o Occurrence) error { return g.note(g.Tx.SaveOccurrence(o)) }

// DeleteOccurrence implements Tx.
func (g *WriteGuard) DeleteOccurrence(id int64) error { return g.note(g.Tx.DeleteOccurrence(id)) }

// AddRecord implements Tx.
func (g *WriteGuard) AddRecord(r *Record) error { return g.note(g.Tx.AddRecord(r)) }

// ArmTimer implements Tx.
func (g *WriteGuard) ArmTimer(t *Timer) error { return g.note(g.Tx.ArmTimer(t)) }

// DisarmTimers implements Tx.
func (g *WriteGuard) DisarmTimers(occ int64, kinds ...TimerKind) error {
	return g.note(g.Tx.DisarmTimers(occ, kinds...))
}

// FireTimer implements Tx.
func (g *WriteGuard) FireTimer(id int64, at time.Time) error { return g.note(g.Tx.FireTimer(id, at)) }

// Claim implements Tx.
func (g *WriteGuard) Claim(id string, at time.Time) (bool, error) {
	fresh, err := g.Tx.Claim(id, at)
	return fresh, g.note(err)
}

// Enqueue implements Tx.
func (g *WriteGuard) Enqueue(d *Delivery) error { return g.note(g.Tx.Enqueue(d)) }

// MarkDelivered implements Tx.
func (g *WriteGuard) MarkDelivered(id int64, at time.Time) error {
	return g.note(g.Tx.MarkDelivered(id, at))
}

// RetryDelivery implements Tx.
func (g *WriteGuard) RetryDelivery(id int64, next time.Time, lastErr string) error {
	return g.note(g.Tx.RetryDelivery(id, next, lastErr))
}

// PruneDelivered implements Tx.
func (g *WriteGuard) PruneDelivered(before time.Time, limit int) (int, error) {
	n, err := g.Tx.PruneDelivered(before, limit)
	return n, g.note(err)
}

// SetMessageRef implements Tx.
func (g *WriteGuard) SetMessageRef(key, channel, ts string) error {
	return g.note(g.Tx.SetMessageRef(key, channel, ts))
}

// SetMeta implements Tx.
func (g *WriteGuard) SetMeta(key, value string) error { return g.note(g.Tx.SetMeta(key, value)) }

// OwnRun implements Tx.
func (g *WriteGuard) OwnRun(occ int64, attempt int, owner string) error {
	return g.note(g.Tx.OwnRun(occ, attempt, owner))
}

// BeatRun implements Tx.
func (g *WriteGuard) BeatRun(occ int64, attempt int, owner string) (bool, error) {
	ok, err := g.Tx.BeatRun(occ, attempt, owner)
	return ok, g.note(err)
}
