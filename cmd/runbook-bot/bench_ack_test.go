package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/runbook-bot/runbook-bot/bot/slack/slacktest"
)

// ackLevel is one load of BenchmarkAckLatency: n slash commands, at most
// concurrency outstanding at a time.
type ackLevel struct{ concurrency, n int }

var ackLevels = []ackLevel{{1, 300}, {30, 300}, {200, 1000}}

// ackWarmup commands are sent (and not measured) before the first level.
const ackWarmup = 50

// BenchmarkAckLatency measures slash-command ack latency (envelope written to
// the socket → ack read, by the fake Slack) for the runbook-bot binary and for
// the bare slack-go bot that only acks, at concurrency 1, 30 and 200, and the
// ratio of their p99 at 30 (SPEC §8: every envelope acked within 3 s; the
// performance contract: p99 within 1.5× the bare bot's). The bot's commands
// alternate `/runbook status ok` from an owner (a read) and `/runbook confirm
// ok` from a stranger, which is refused and audited (a write). Each level waits
// until the bot has answered every command before the next one starts.
func BenchmarkAckLatency(b *testing.B) {
	p99 := map[string]map[int]time.Duration{"bot": {}, "bare": {}}

	b.Run("bare", func(b *testing.B) {
		srv := newBenchSlack(b)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- slacktest.RunBareAckBot(ctx, srv.APIURL(), srv.AppToken(), srv.BotToken()) }()
		b.Cleanup(func() {
			cancel()
			if err := <-done; err != nil {
				b.Errorf("bare bot: %v", err)
			}
		})
		must(b, srv.WaitConnected(1, 20*time.Second))
		gen := func(i int) slacktest.SlashCommand {
			return slacktest.SlashCommand{Text: "status ok", UserID: ana, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}
		}
		runAckLevels(b, srv, gen, nil, p99["bare"])
	})

	b.Run("bot", func(b *testing.B) {
		// A daily window 30 minutes ahead: its occurrence exists (so `confirm`
		// reaches the authorisation check), nothing is posted during the run.
		w := benchWorkspace(b, jobRow{window: daily(nextWindow(30 * time.Minute)), freq: "Daily", script: "scripts/ok.sh", body: "echo ok", deps: "`bash`"})
		srv := newBenchSlack(b)
		bot := startBenchBot(b, w, srv, baseEnv(w, srv))
		gen := func(i int) slacktest.SlashCommand {
			c := slacktest.SlashCommand{Text: "status ok", UserID: ana, ChannelID: "C0PLATAFORMA", ChannelName: "plataforma"}
			if i%2 == 1 {
				c.Text, c.UserID = "confirm ok", stranger
			}
			return c
		}
		sent := 0
		drain := func(b *testing.B, n int) {
			sent += n
			err := srv.WaitFor(2*time.Minute, func(s *slacktest.Server) bool {
				return len(s.Ephemerals(ana))+len(s.Ephemerals(stranger)) >= sent
			})
			if err != nil {
				b.Fatalf("the bot answered %d of %d commands: %v\n%s", len(srv.Ephemerals(ana))+len(srv.Ephemerals(stranger)), sent, err, bot.out.String())
			}
		}
		runAckLevels(b, srv, gen, drain, p99["bot"])
	})

	b.Run("ratio", func(b *testing.B) {
		for b.Loop() {
		}
		b.ReportMetric(0, "ns/op")
		for _, l := range ackLevels {
			if bare, bot := p99["bare"][l.concurrency], p99["bot"][l.concurrency]; bare > 0 && bot > 0 {
				b.ReportMetric(float64(bot)/float64(bare), fmt.Sprintf("p99-bot/bare-c%d", l.concurrency))
			}
		}
	})
}

// runAckLevels drives every level against srv as sub-benchmarks "c=N",
// reporting p50/p99/max in milliseconds and storing each level's p99 in p99.
// drain, when set, is called after each batch of n commands and waits until
// their slow work is done; the time it takes is reported as "drain-ms".
func runAckLevels(b *testing.B, srv *slacktest.Server, gen func(int) slacktest.SlashCommand, drain func(*testing.B, int), p99 map[int]time.Duration) {
	ctx := context.Background()
	if _, err := slacktest.DriveSlashCommands(ctx, srv, ackWarmup, 5, gen); err != nil {
		b.Fatalf("warm-up: %v", err)
	}
	if drain != nil {
		drain(b, ackWarmup)
	}
	for _, l := range ackLevels {
		b.Run(fmt.Sprintf("c=%d", l.concurrency), func(b *testing.B) {
			var lat []time.Duration
			var drained time.Duration
			for b.Loop() {
				before := len(srv.Acks())
				runCtx, cancel := context.WithTimeout(ctx, 2*time.Minute)
				stats, err := slacktest.DriveSlashCommands(runCtx, srv, l.n, l.concurrency, gen)
				cancel()
				if err != nil {
					b.Fatalf("%d commands at concurrency %d: %v (%v)", l.n, l.concurrency, err, stats)
				}
				for _, a := range srv.Acks()[before:] {
					lat = append(lat, a.Latency)
				}
				if drain != nil {
					start := time.Now()
					drain(b, l.n)
					drained += time.Since(start)
				}
			}
			s := slacktest.NewLatencyStats(lat)
			p99[l.concurrency] = s.P99
			b.ReportMetric(ms(s.P50), "p50-ms")
			b.ReportMetric(ms(s.P99), "p99-ms")
			b.ReportMetric(ms(s.Max), "max-ms")
			if drain != nil {
				b.ReportMetric(ms(drained)/float64(b.N), "drain-ms")
			}
			b.ReportMetric(0, "ns/op") // a batch's wall time says nothing here; the percentiles do
			b.Logf("%d commands at concurrency %d: %v", l.n, l.concurrency, s)
		})
	}
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
