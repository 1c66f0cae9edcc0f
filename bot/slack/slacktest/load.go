package slacktest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// LatencyStats summarises ack latencies.
type LatencyStats struct {
	N    int
	Min  time.Duration
	P50  time.Duration
	P90  time.Duration
	P99  time.Duration
	Max  time.Duration
	Mean time.Duration
}

// String formats the stats on one line.
func (l LatencyStats) String() string {
	return fmt.Sprintf("n=%d min=%v p50=%v p90=%v p99=%v max=%v mean=%v",
		l.N, l.Min, l.P50, l.P90, l.P99, l.Max, l.Mean)
}

// NewLatencyStats computes stats over samples (nearest-rank percentiles).
func NewLatencyStats(samples []time.Duration) LatencyStats {
	if len(samples) == 0 {
		return LatencyStats{}
	}
	d := slices.Clone(samples)
	slices.Sort(d)
	var sum time.Duration
	for _, x := range d {
		sum += x
	}
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(d))+0.999999) - 1
		return d[min(max(i, 0), len(d)-1)]
	}
	return LatencyStats{
		N: len(d), Min: d[0], P50: rank(0.50), P90: rank(0.90), P99: rank(0.99),
		Max: d[len(d)-1], Mean: sum / time.Duration(len(d)),
	}
}

// DriveSlashCommands sends n slash commands built by gen, at most concurrency
// outstanding at a time, waits for each ack and returns the ack latencies
// (socket write to ack read). It stops at the first missing ack or when ctx
// ends, returning the stats gathered so far with the error.
func DriveSlashCommands(ctx context.Context, srv *Server, n, concurrency int, gen func(i int) SlashCommand) (LatencyStats, error) {
	if concurrency < 1 {
		concurrency = 1
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan int)
	var (
		mu       sync.Mutex
		samples  = make([]time.Duration, 0, n)
		firstErr error
		wg       sync.WaitGroup
	)
	for range concurrency {
		wg.Go(func() {
			for i := range work {
				id := srv.SendSlashCommand(gen(i))
				ack, err := srv.WaitAckContext(ctx, id)
				mu.Lock()
				if err != nil {
					if firstErr == nil {
						firstErr = fmt.Errorf("command %d: %w", i, err)
					}
					cancel()
				} else {
					samples = append(samples, ack.Latency)
				}
				mu.Unlock()
			}
		})
	}
feed:
	for i := range n {
		select {
		case work <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(work)
	wg.Wait()
	if firstErr == nil && len(samples) < n {
		firstErr = ctx.Err()
	}
	return NewLatencyStats(samples), firstErr
}
