package runbook

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// queued waits until n writers are queued at g.
func queued(g *writeGate, n int) {
	for {
		g.mu.Lock()
		got := len(g.waiting[0]) + len(g.waiting[1])
		g.mu.Unlock()
		if got == n {
			return
		}
	}
}

func TestWriteGate_UrgentWritesGoBeforeQueuedOnes(t *testing.T) {
	// Given a write in progress and three normal writes queued behind it
	var g writeGate
	ctx := context.Background()
	require.NoError(t, g.enter(ctx))
	var (
		mu    sync.Mutex
		order []string
		wg    sync.WaitGroup
	)
	write := func(ctx context.Context, name string) {
		defer wg.Done()
		require.NoError(t, g.enter(ctx))
		mu.Lock()
		order = append(order, name)
		mu.Unlock()
		g.leave()
	}
	for i, name := range []string{"normal-1", "normal-2", "normal-3"} {
		wg.Add(1)
		go write(ctx, name)
		queued(&g, i+1)
	}
	// When a timer's write arrives last
	wg.Add(1)
	go write(urgentWrites(ctx), "timer")
	queued(&g, 4)
	g.leave()
	wg.Wait()

	// Then it goes first, and the others in their arrival order
	assert.Equal(t, []string{"timer", "normal-1", "normal-2", "normal-3"}, order)
}

func TestWriteGate_AWriterWhoseContextEndsLeavesTheQueue(t *testing.T) {
	// Given a write in progress and one queued whose context ends
	var g writeGate
	require.NoError(t, g.enter(context.Background()))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- g.enter(ctx) }()
	queued(&g, 1)
	cancel()

	// Then it gives up with the context's error, and the gate opens when the writer leaves
	assert.ErrorIs(t, <-done, context.Canceled)
	g.leave()
	require.NoError(t, g.enter(context.Background()), "the gate is open again")
	g.leave()
	assert.False(t, g.held)
}

func TestWriteGate_ATurnHandedAsTheContextEndsIsPassedOn(t *testing.T) {
	// Given many writers, some of whose contexts end while they wait
	var g writeGate
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithCancel(context.Background())
			if i%3 == 0 {
				cancel()
			}
			if g.enter(ctx) == nil {
				g.leave()
			}
			cancel()
		}()
	}
	wg.Wait()

	// Then nobody is left waiting and the gate is open
	assert.False(t, g.held)
	assert.Empty(t, g.waiting[0])
	assert.Empty(t, g.waiting[1])
}
