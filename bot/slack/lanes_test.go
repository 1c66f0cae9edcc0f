package slack

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// oneLane is a lanes with a single lane, whatever GOMAXPROCS is.
func oneLane(slowAfter time.Duration) *lanes {
	return &lanes{tokens: make(chan struct{}, 1), slowAfter: slowAfter}
}

func TestLanesRunQuickWorkOneAtATime(t *testing.T) {
	// Given one lane and work that finishes well within slowAfter
	l := oneLane(time.Minute)
	var running, most atomic.Int32
	var wg sync.WaitGroup
	// When 20 pieces of work arrive together
	for range 20 {
		wg.Go(func() {
			l.do(context.Background(), func(context.Context) {
				n := running.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(time.Millisecond)
				running.Add(-1)
			})
		})
	}
	wg.Wait()
	// Then they ran one at a time
	assert.Equal(t, int32(1), most.Load())
}

func TestLanesSlowWorkGivesUpItsLane(t *testing.T) {
	// Given one lane held by work that blocks until told to stop
	l := oneLane(20 * time.Millisecond)
	stop := make(chan struct{})
	slowDone := make(chan struct{})
	go func() {
		defer close(slowDone)
		l.do(context.Background(), func(context.Context) { <-stop })
	}()
	// When another piece of work comes
	ran := make(chan struct{})
	go l.do(context.Background(), func(context.Context) { close(ran) })
	// Then it runs once slowAfter has passed, while the slow work is still running
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the second piece of work never ran: the slow one kept its lane")
	}
	select {
	case <-slowDone:
		t.Fatal("the slow work was interrupted")
	default:
	}
	close(stop)
	<-slowDone
	// And the lane is free again afterwards (released once, not twice)
	l.do(context.Background(), func(context.Context) {})
	assert.Len(t, l.tokens, 0)
}

func TestLanesWaitEndsWithContext(t *testing.T) {
	// Given one lane held
	l := oneLane(time.Minute)
	l.tokens <- struct{}{}
	ctx, cancel := context.WithCancel(context.Background())
	// When the context of waiting work ends
	cancel()
	called := false
	l.do(ctx, func(context.Context) { called = true })
	// Then the work is not run and the lane is untouched
	require.False(t, called)
	assert.Len(t, l.tokens, 1)
}

func TestNewLanesLeavesAProcessorFree(t *testing.T) {
	for _, tt := range []struct{ procs, lanes int }{{1, 1}, {2, 1}, {4, 3}} {
		prev := runtime.GOMAXPROCS(tt.procs)
		assert.Equal(t, tt.lanes, cap(newLanes(slowAfter).tokens), "GOMAXPROCS=%d", tt.procs)
		runtime.GOMAXPROCS(prev)
	}
}
