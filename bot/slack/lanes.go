package slack

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// slowAfter is how long envelope work holds its lane. A command is a few
// database statements and a commit, then its reply: well under a millisecond of
// CPU. Work still running after this waits on something else (a slow disk,
// Slack's answer to the reply, the pacing of a channel post, a ticket source)
// and gives its lane to the next, so slow work never holds up the rest.
const slowAfter = 5 * time.Millisecond

// lanes bounds how much envelope work runs at once to one less than the
// processors Go uses (at least one), so that one stays free for the socket
// reader and the ack writer. Go has no goroutine priorities: with all the work
// of a burst runnable at once, each ack of the burst waited behind it (p99 at
// concurrency 30 twice the bare acker's, in BenchmarkAckLatency).
type lanes struct {
	tokens    chan struct{}
	slowAfter time.Duration
}

// newLanes returns lanes sized for this process: GOMAXPROCS-1, at least 1.
func newLanes(slowAfter time.Duration) *lanes {
	return &lanes{tokens: make(chan struct{}, max(1, runtime.GOMAXPROCS(0)-1)), slowAfter: slowAfter}
}

// do runs fn in a lane, waiting for one first; it returns without running fn
// if ctx ends while it waits. The lane is given up when fn returns or after
// slowAfter, whichever comes first; fn itself is never interrupted.
func (l *lanes) do(ctx context.Context, fn func(context.Context)) {
	select {
	case l.tokens <- struct{}{}:
	case <-ctx.Done():
		return
	}
	var once sync.Once
	release := func() { once.Do(func() { <-l.tokens }) }
	t := time.AfterFunc(l.slowAfter, release)
	defer func() {
		t.Stop()
		release()
	}()
	fn(ctx)
}
