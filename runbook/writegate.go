package runbook

import (
	"context"
	"slices"
	"sync"
)

// writeGate admits the service's write transactions one at a time, the timer
// loop's first: under a burst of writes (run output, deliveries, commands) a
// due timer waits for the transaction in progress, not for its turn in a
// crowd. Without it the store's single writer connection is handed to a
// random waiter (database/sql), so a deadline could wait behind any number
// of later writes (docs/architecture.md, "Timers").
type writeGate struct {
	mu      sync.Mutex
	held    bool
	waiting [2][]chan struct{} // urgent, then normal; each in arrival order
}

// urgentKey marks a context whose writes go before the others (urgentWrites).
type urgentKey struct{}

// urgentWrites marks ctx so the service's writes made with it pass the
// writeGate before any normal write waiting.
func urgentWrites(ctx context.Context) context.Context {
	return context.WithValue(ctx, urgentKey{}, true)
}

// enter waits for the gate, an urgent write (urgentWrites) before every
// normal one; it fails only when ctx ends first.
func (g *writeGate) enter(ctx context.Context) error {
	level := 1
	if u, _ := ctx.Value(urgentKey{}).(bool); u {
		level = 0
	}
	g.mu.Lock()
	if !g.held {
		g.held = true
		g.mu.Unlock()
		return nil
	}
	turn := make(chan struct{})
	g.waiting[level] = append(g.waiting[level], turn)
	g.mu.Unlock()
	select {
	case <-turn:
		return nil
	case <-ctx.Done():
	}
	g.mu.Lock()
	if i := slices.Index(g.waiting[level], turn); i >= 0 {
		g.waiting[level] = slices.Delete(g.waiting[level], i, i+1)
		g.mu.Unlock()
		return ctx.Err()
	}
	g.mu.Unlock()
	g.leave() // the turn was handed over as ctx ended: pass it on
	return ctx.Err()
}

// leave hands the gate to the next waiter, urgent first, or opens it.
func (g *writeGate) leave() {
	g.mu.Lock()
	defer g.mu.Unlock()
	for level, q := range g.waiting {
		if len(q) > 0 {
			g.waiting[level] = q[1:]
			close(q[0])
			return
		}
	}
	g.held = false
}
