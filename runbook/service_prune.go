package runbook

import (
	"context"
	"time"
)

// pruneBatch bounds the rows one pruning transaction deletes, so that it never
// holds the writer long; PruneEvery is how often the service prunes.
const (
	pruneBatch = 1000
	PruneEvery = time.Hour
)

// Prune deletes the outbox rows delivered (or given up) longer than the
// retention ago, a batch per transaction, and returns how many. The audit
// records are evidence: they are never pruned. No retention: nothing is.
func (s *Service) Prune(ctx context.Context) (int, error) {
	if s.set.Retention <= 0 {
		return 0, nil
	}
	total := 0
	for {
		before := s.Now().Add(-s.set.Retention)
		var n int
		err := s.update(ctx, func(tx Tx) (err error) {
			n, err = tx.PruneDelivered(before, pruneBatch)
			return err
		})
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

// prune is Prune for the periodic job: it logs what it did.
func (s *Service) prune(ctx context.Context) {
	n, err := s.Prune(ctx)
	if err != nil && ctx.Err() == nil {
		s.log.Error("pruning delivered outbox rows", "err", err)
	}
	if n > 0 {
		s.log.Info("pruned delivered outbox rows", "rows", n, "retention", s.set.Retention)
	}
}
