package runbook

import "context"

// update runs fn in one write transaction of the store and, once it has
// committed, wakes the loops that have new work: the timer loop when a timer
// was armed, the outbox loops when a delivery was queued. Waking them before
// the commit would let a loop read the state without the new row and sleep
// past it (docs/architecture.md, "Timers"). Every write of the service goes
// through here, one at a time, the timer loop's first (writeGate).
func (s *Service) update(ctx context.Context, fn func(Tx) error) error {
	if err := s.writes.enter(ctx); err != nil {
		return err
	}
	var w wakeTx
	err := func() error {
		defer s.writes.leave() // even when fn panics: the gate is never left held
		return s.store.Update(ctx, func(tx Tx) error {
			w = wakeTx{Tx: tx} // a store may run fn again (a retried transaction)
			return fn(&w)
		})
	}()
	if err != nil {
		return err
	}
	if w.armed {
		s.poke(s.wake)
	}
	if w.queued {
		s.poke(s.deliver)
	}
	if w.changed && s.changed != nil {
		s.changed()
	}
	return nil
}

// wakeTx notes, for update, what a transaction gives the loops to do.
type wakeTx struct {
	Tx
	armed   bool // a timer was armed
	queued  bool // a delivery was queued
	changed bool // an occurrence or the freezes changed (Deps.OnChange)
}

func (w *wakeTx) SaveOccurrence(o Occurrence) error {
	w.changed = true
	return w.Tx.SaveOccurrence(o)
}

func (w *wakeTx) CreateOccurrence(o *Occurrence) error {
	w.changed = true
	return w.Tx.CreateOccurrence(o)
}

func (w *wakeTx) DeleteOccurrence(id int64) error {
	w.changed = true
	return w.Tx.DeleteOccurrence(id)
}

func (w *wakeTx) SetMeta(key, value string) error {
	w.changed = w.changed || key == metaFreezes
	return w.Tx.SetMeta(key, value)
}

func (w *wakeTx) ArmTimer(t *Timer) error {
	w.armed = true
	return w.Tx.ArmTimer(t)
}

func (w *wakeTx) Enqueue(d *Delivery) error {
	w.queued = true
	return w.Tx.Enqueue(d)
}

// poke signals a loop without blocking; a signal already pending is enough.
func (s *Service) poke(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}
