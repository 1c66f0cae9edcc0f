package runbook

import (
	"context"
	"time"
)

// Observer is told what the service's loops do, for metrics. Calls must not block.
type Observer interface {
	// TimerFired reports that a durable timer of kind fired lateness after its due time.
	TimerFired(kind TimerKind, lateness time.Duration)
}

type noObserver struct{}

func (noObserver) TimerFired(TimerKind, time.Duration) {}

// Overdue is the earliest unfired timer that is already due and how long past
// its due time it is; ok is false when no timer is due.
func (s *Service) Overdue(ctx context.Context) (t Timer, by time.Duration, ok bool, err error) {
	err = s.store.View(ctx, func(tx Tx) (err error) { t, ok, err = tx.NextTimer(); return })
	if err != nil || !ok {
		return Timer{}, 0, false, err
	}
	by = s.Now().Sub(t.Due)
	if by <= 0 {
		return Timer{}, 0, false, nil
	}
	return t, by, true, nil
}
