package main

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/runbook-bot/runbook-bot/internal/pgtest"
)

// failoverKills is how many leaders BenchmarkFailover kills.
const failoverKills = 10

// BenchmarkFailover measures how long the clock stops when the leader dies:
// three replicas of the binary on a throw-away PostgreSQL; ten times, a timer
// is armed due half a second ahead, the leader is killed (kill -9) 0.3 s
// before it is due, and the time from the kill to the timer fired by the new
// leader is taken (the time it records, as the database has it); the killed
// replica is started again, as a follower. Reports p50 and max in seconds, and
// how long after the due time the timer fired (its lateness). Contract: max
// ≤ lease + 2 s (12 s). Run with -benchtime=1x.
func BenchmarkFailover(b *testing.B) {
	ctx := context.Background()
	w := benchWorkspace(b, jobRow{window: daily(nextWindow(30 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	srv := newBenchSlack(b)
	db := pgtest.NewDatabase(b)
	c := newCluster(b, w, srv, db, 3)
	c.startAll()
	conn, err := pgx.Connect(ctx, db)
	must(b, err)
	b.Cleanup(func() { conn.Close(ctx) })
	var occ int64
	waitUntil(b, 30*time.Second, "the occurrence", func() bool {
		return conn.QueryRow(ctx, "SELECT id FROM occurrences ORDER BY id LIMIT 1").Scan(&occ) == nil
	})

	var takeovers, lateness []time.Duration
	for b.Loop() {
		for k := range failoverKills {
			leader := c.waitLeader(30 * time.Second)
			due := time.Now().Add(500 * time.Millisecond)
			var timer int64
			must(b, conn.QueryRow(ctx, "INSERT INTO timers (occ, kind, seq, due) VALUES ($1, 'reminder', $2, $3) RETURNING id",
				occ, 1000+len(takeovers)+k, due).Scan(&timer))
			time.Sleep(time.Until(due.Add(-300 * time.Millisecond)))
			killed := time.Now()
			c.kill9(leader)
			var fired time.Time
			waitUntil(b, 30*time.Second, "the timer fired by the new leader", func() bool {
				return conn.QueryRow(ctx, "SELECT fired_at FROM timers WHERE id = $1 AND fired_at IS NOT NULL", timer).Scan(&fired) == nil
			})
			takeovers = append(takeovers, fired.Sub(killed))
			lateness = append(lateness, fired.Sub(due))
			c.start(leader) // back, as a follower
		}
	}
	slices.Sort(takeovers)
	b.ReportMetric(takeovers[len(takeovers)/2].Seconds(), "failover-p50-s")
	b.ReportMetric(takeovers[len(takeovers)-1].Seconds(), "failover-max-s")
	b.ReportMetric(slices.Max(lateness).Seconds(), "timer-late-max-s")
	b.ReportMetric(float64(len(takeovers)), "kills")
	b.ReportMetric(0, "ns/op")
	b.Logf("kill -9 of the leader → timer fired by the new leader, %d kills: %v", len(takeovers), takeovers)
}

// waitUntil polls cond every 10 ms until it holds, failing tb after timeout.
func waitUntil(tb testing.TB, timeout time.Duration, what string, cond func() bool) {
	tb.Helper()
	end := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(end) {
			tb.Fatalf("waiting for %s: not after %s", what, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
