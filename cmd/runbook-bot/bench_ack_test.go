package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
	"github.com/runbook-bot/runbook-bot/internal/pgtest"
)

// ackLevel is one load of BenchmarkAckLatency: n slash commands per batch, at
// most concurrency outstanding at a time.
type ackLevel struct{ concurrency, n int }

var ackLevels = []ackLevel{{1, 300}, {30, 300}, {200, 1000}}

// ackWarmup commands are sent to each target (and not measured) before the first level.
const ackWarmup = 50

// ackTarget is one bot under load: its fake Slack, how its commands are made,
// and how to wait until it has done the slow work of the commands sent so far.
type ackTarget struct {
	name  string
	srv   *slacktest.Server
	gen   func(i int) slacktest.SlashCommand
	drain func(b *testing.B, n int) // nil: nothing to wait for
	only  int                       // > 0: measured at this concurrency only
}

// pgAckConcurrency is the level at which the bot on PostgreSQL is measured too.
const pgAckConcurrency = 30

// BenchmarkAckLatency measures slash-command ack latency (envelope written to
// the socket → ack read, by the fake Slack) for the runbook-bot binary (`serve`)
// and for the bare slack-go bot that only acks, at concurrency 1, 30 and 200;
// at concurrency 30 also for the binary on PostgreSQL ("pg", a throw-away
// server of internal/pgtest), beside the same bot on SQLite.
// Each iteration of a level sends one batch to the bare bot, then one to the
// runbook-bot and waits until it has answered every command, so that both see
// the same machine; percentiles pool every iteration's commands. The bot's
// commands alternate `/runbook status ok` from an owner (a read) and
// `/runbook confirm ok` from a stranger, refused and audited (a write).
// Bounds (docs/spec.md §12.8): p99(bot)/p99(bare) ≤ 1.5 at concurrency 30; every ack < 3 s.
// BENCH_BOT_ENV=VAR=value adds one variable to the bot's environment.
func BenchmarkAckLatency(b *testing.B) {
	bare := ackTarget{name: "bare", srv: newBenchSlack(b), gen: func(int) slacktest.SlashCommand {
		return slacktest.SlashCommand{Text: "status ok", UserID: ana, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}
	}}
	startBareBot(b, bare.srv)
	ctx := context.Background()

	// A daily window 30 minutes ahead: its occurrence exists (so `confirm`
	// reaches the authorisation check) and nothing is posted during the run.
	w := benchWorkspace(b, jobRow{window: daily(nextWindow(30 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	botSrv := newBenchSlack(b)
	var extra []string
	if e := os.Getenv("BENCH_BOT_ENV"); e != "" {
		extra = append(extra, e) // one VAR=value for experiments, e.g. GOMAXPROCS=1
	}
	gen := func(i int) slacktest.SlashCommand {
		c := slacktest.SlashCommand{Text: "status ok", UserID: ana, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}
		if i%2 == 1 {
			c.Text, c.UserID = "confirm ok", stranger
		}
		return c
	}
	drain := func(name string, srv *slacktest.Server, proc *benchBot) func(b *testing.B, n int) {
		return func(b *testing.B, n int) {
			if err := srv.WaitFor(2*time.Minute, func(s *slacktest.Server) bool { return s.EphemeralCount() >= n }); err != nil {
				b.Fatalf("%s answered %d of %d commands: %v\n%s", name, srv.EphemeralCount(), n, err, proc.out.String())
			}
		}
	}
	proc := startBenchBot(b, w, botSrv, baseEnv(w, botSrv, extra...))
	bot := ackTarget{name: "bot", srv: botSrv, gen: gen, drain: drain("the bot", botSrv, proc)}
	pgW := benchWorkspace(b, jobRow{window: daily(nextWindow(30 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
	pgSrv := newBenchSlack(b)
	pgProc := startBenchBot(b, pgW, pgSrv, append(baseEnv(pgW, pgSrv, extra...), "RUNBOOK_DB="+pgtest.NewDatabase(b)))
	pg := ackTarget{name: "pg", srv: pgSrv, gen: gen, drain: drain("the bot on PostgreSQL", pgSrv, pgProc), only: pgAckConcurrency}

	for _, t := range []ackTarget{bare, bot, pg} {
		if _, err := slacktest.DriveSlashCommands(ctx, t.srv, ackWarmup, 5, t.gen); err != nil {
			b.Fatalf("warm-up of %s: %v", t.name, err)
		}
		if t.drain != nil {
			t.drain(b, ackWarmup)
		}
	}
	for _, l := range ackLevels {
		b.Run(fmt.Sprintf("c=%d", l.concurrency), func(b *testing.B) {
			lat := map[string][]time.Duration{}
			drained := map[string]time.Duration{}
			for b.Loop() {
				for _, t := range []ackTarget{bare, bot, pg} {
					if t.only > 0 && t.only != l.concurrency {
						continue
					}
					lat[t.name] = append(lat[t.name], driveBatch(b, t, l)...)
					if t.drain != nil {
						start := time.Now()
						t.drain(b, l.n)
						drained[t.name] += time.Since(start)
					}
				}
			}
			stats := map[string]slacktest.LatencyStats{}
			for _, name := range []string{"bare", "bot", "pg"} {
				if len(lat[name]) == 0 {
					continue
				}
				s := slacktest.NewLatencyStats(lat[name])
				stats[name] = s
				b.ReportMetric(ms(s.P50), name+"-p50-ms")
				b.ReportMetric(ms(s.P99), name+"-p99-ms")
				b.ReportMetric(ms(s.Max), name+"-max-ms")
				b.Logf("%s, %d×%d commands at concurrency %d: %v", name, b.N, l.n, l.concurrency, s)
			}
			if stats["bare"].P99 > 0 {
				b.ReportMetric(float64(stats["bot"].P99)/float64(stats["bare"].P99), "p99-bot/bare")
			}
			if pg, ok := stats["pg"]; ok && stats["bot"].P99 > 0 {
				b.ReportMetric(float64(pg.P99)/float64(stats["bot"].P99), "p99-pg/bot")
			}
			for name, d := range drained {
				b.ReportMetric(ms(d)/float64(b.N), name+"-drain-ms")
			}
			b.ReportMetric(0, "ns/op") // a batch's wall time says little here; the percentiles do
		})
	}
}

// driveBatch sends one batch of level l to t and returns its ack latencies.
// A garbage collection is run first, so that one started by the previous
// batch's garbage does not run in this process (the fake Slack's) during the
// measurement of another target.
func driveBatch(b *testing.B, t ackTarget, l ackLevel) []time.Duration {
	t.srv.Reset() // what the last batch left: kept, it made every collection longer
	runtime.GC()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if stats, err := slacktest.DriveSlashCommands(ctx, t.srv, l.n, l.concurrency, t.gen); err != nil {
		b.Fatalf("%s: %d commands at concurrency %d: %v (%v)", t.name, l.n, l.concurrency, err, stats)
	}
	var out []time.Duration
	for _, a := range t.srv.Acks() {
		out = append(out, a.Latency)
	}
	return out
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
