package main

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
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
}

// BenchmarkAckLatency measures slash-command ack latency (envelope written to
// the socket → ack read, by the fake Slack) for the runbook-bot binary (`serve`)
// and for the bare slack-go bot that only acks, at concurrency 1, 30 and 200.
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
	proc := startBenchBot(b, w, botSrv, baseEnv(w, botSrv, extra...))
	bot := ackTarget{name: "bot", srv: botSrv, gen: func(i int) slacktest.SlashCommand {
		c := slacktest.SlashCommand{Text: "status ok", UserID: ana, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}
		if i%2 == 1 {
			c.Text, c.UserID = "confirm ok", stranger
		}
		return c
	}, drain: func(b *testing.B, n int) {
		if err := botSrv.WaitFor(2*time.Minute, func(s *slacktest.Server) bool { return s.EphemeralCount() >= n }); err != nil {
			b.Fatalf("the bot answered %d of %d commands: %v\n%s", botSrv.EphemeralCount(), n, err, proc.out.String())
		}
	}}

	for _, t := range []ackTarget{bare, bot} {
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
			var drained time.Duration
			for b.Loop() {
				for _, t := range []ackTarget{bare, bot} {
					lat[t.name] = append(lat[t.name], driveBatch(b, t, l)...)
					if t.drain != nil {
						start := time.Now()
						t.drain(b, l.n)
						drained += time.Since(start)
					}
				}
			}
			stats := map[string]slacktest.LatencyStats{}
			for _, name := range []string{"bare", "bot"} {
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
			b.ReportMetric(ms(drained)/float64(b.N), "bot-drain-ms")
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
