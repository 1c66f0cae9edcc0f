package slacktest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkBareAckBot measures the round trip envelope -> ack through a
// slack-go client that only acks: the floor any real bot is compared against.
func BenchmarkBareAckBot(b *testing.B) {
	srv := New()
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	botDone := make(chan error, 1)
	go func() { botDone <- RunBareAckBot(ctx, srv.APIURL(), srv.AppToken(), srv.BotToken()) }()
	defer func() {
		cancel()
		require.NoError(b, <-botDone)
	}()
	require.NoError(b, srv.WaitConnected(1, 10*time.Second))

	const n, concurrency = 300, 30
	for b.Loop() {
		runCtx, runCancel := context.WithTimeout(ctx, time.Minute)
		stats, err := DriveSlashCommands(runCtx, srv, n, concurrency, func(i int) SlashCommand {
			return SlashCommand{Text: fmt.Sprintf("run job-%d", i), UserID: "U0BENCH"}
		})
		runCancel()
		require.NoError(b, err)
		require.Equal(b, n, stats.N)
	}
	b.StopTimer()
	// Percentiles over every command of every iteration.
	var lat []time.Duration
	for _, a := range srv.Acks() {
		lat = append(lat, a.Latency)
	}
	last := NewLatencyStats(lat)
	b.ReportMetric(float64(last.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/command")
	b.ReportMetric(float64(last.P99.Microseconds()), "p99-µs")
	b.ReportMetric(float64(last.Max.Microseconds()), "max-µs")
	b.Logf("bare ack bot, batches of %d commands at concurrency %d: %v", n, concurrency, last)
}

func TestDriveSlashCommandsWithBareBot(t *testing.T) {
	srv := NewTB(t)
	ctx, cancel := context.WithCancel(t.Context())
	botDone := make(chan error, 1)
	go func() { botDone <- RunBareAckBot(ctx, srv.APIURL(), srv.AppToken(), srv.BotToken()) }()
	require.NoError(t, srv.WaitConnected(1, waitTimeout))
	stats, err := DriveSlashCommands(ctx, srv, 50, 5, func(i int) SlashCommand { return SlashCommand{Text: fmt.Sprint(i)} })
	require.NoError(t, err)
	require.Equal(t, 50, stats.N)
	require.LessOrEqual(t, stats.P50, stats.P99)
	require.LessOrEqual(t, stats.P99, stats.Max)
	require.Empty(t, srv.Unacked())
	cancel()
	require.NoError(t, <-botDone)
}

func TestLatencyStats(t *testing.T) {
	var d []time.Duration
	for i := 1; i <= 100; i++ {
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	s := NewLatencyStats(d)
	require.Equal(t, 100, s.N)
	require.Equal(t, 50*time.Millisecond, s.P50)
	require.Equal(t, 99*time.Millisecond, s.P99)
	require.Equal(t, 100*time.Millisecond, s.Max)
	require.Equal(t, 50500*time.Microsecond, s.Mean)
	require.Contains(t, s.String(), "p99=99ms")
	require.Equal(t, LatencyStats{}, NewLatencyStats(nil))
}
